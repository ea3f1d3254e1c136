// What real nodes tell each other of their load: the process's measures (cpu, heap, event-loop lag), their uptime,
// and the backlog in their actors' mailboxes, as a load balancer reads them through `load.of()` and `info()`.
import { expect } from 'aegir/chai'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { Actor } from '../../src/actors/index.ts'
import type { NodeLoad } from '../../src/cluster/load-report.ts'

/** released at the end of each test, so the nodes can stop their actors */
let held = Promise.resolve()
let release = (): void => {}

/** Holds its first message until the test ends: every later one waits in its mailbox. */
class Stuck implements Actor {
  async receive (): Promise<void> {
    await held
  }
}

const QUEUED = 100

function measured (load: Partial<NodeLoad> | undefined): boolean {
  return load?.cpu != null && load.heap != null && load.eventLoopLag != null && load.uptime != null && load.mailbox != null
}

describe('node load between members', function () {
  const nodes = new TestNodes()
  beforeEach(() => { held = new Promise(resolve => { release = resolve }) })
  afterEach(async () => {
    release()
    await nodes.stopAll()
  })

  it('tells each member another\'s cpu, heap, event-loop lag, uptime and mailbox backlog', async () => {
    const [a, b, c] = await nodes.startMany(3, { clusterName: uniqueCluster() })
    await formed([a, b, c])
    // the first sample comes one load interval after the start, and the report with it at the next look
    await eventually(() => measured(a.load.of(b.id)), () => `a hears b's measures: ${JSON.stringify(a.load.of(b.id))}`)
    const heard = a.load.of(b.id) as Required<NodeLoad>
    expect(heard.cpu).to.be.within(0, 1)
    expect(heard.heap).to.be.greaterThan(0).and.at.most(1)
    expect(heard.eventLoopLag).to.be.at.least(0)
    // as of now: b's own uptime less the time its report took to arrive, at most
    expect(heard.uptime).to.be.within(b.uptime - 1000, b.uptime)
    const member = a.info().members.find(m => m.id === b.id)
    expect(member).to.include({ name: b.name }).and.to.have.keys('id', 'name', 'roles', 'status', 'processes', 'messageRate', 'cpu', 'heap', 'eventLoopLag', 'mailbox', 'uptime')
    expect(a.info().node, 'a\'s own measures, once sampled').to.satisfy(measured)

    const stuck = await b.spawn(Stuck)
    for (let i = 0; i < QUEUED; i++) { b.send(stuck, i) }
    // the first message is held in receive, the others queue behind it
    await eventually(() => (a.load.of(b.id)?.mailbox ?? 0) >= QUEUED - 1, () => `a hears b's backlog: ${a.load.of(b.id)?.mailbox}`)
    await eventually(() => (c.info().members.find(m => m.id === b.id)?.mailbox ?? 0) >= QUEUED - 1, 'c\'s info shows b\'s backlog')
    expect(a.info().node.mailbox, 'a holds no backlog').to.equal(0)
    expect(a.info().processes, 'the totals still count actors alone').to.equal(1)
  })
})
