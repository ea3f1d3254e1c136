// Routed calls on real nodes over TCP: every strategy reaches the service's actors where they run, constraints leave
// out members by role and gossiped load, a failing actor is ejected, and a crashed node's actor is retried around.
// At 25 nodes: test/scale/workloads.spec.ts.
import { expect } from 'aegir/chai'
import { NoEligibleMemberError } from '../../src/balancing/errors.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { Actor } from '../../src/actors/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

const SERVICE = 'api'

/** answers with its node's name, after `delay` ms; throws when `fail` */
class Server implements Actor {
  private readonly node: string
  private readonly delay: number
  private readonly fail: boolean

  constructor (node: string, delay = 0, fail = false) {
    this.node = node
    this.delay = delay
    this.fail = fail
  }

  async receive (message: { hold?: number }): Promise<string> {
    if (this.fail) { throw new Error(`${this.node} fails every call`) }
    const wait = message?.hold ?? this.delay
    if (wait > 0) { await new Promise(resolve => setTimeout(resolve, wait)) }
    return this.node
  }
}

async function serve (node: FoundationNode, delay = 0, fail = false): Promise<void> {
  const ref = await node.spawn(Server, { args: [node.name, delay, fail] })
  await node.groups.join(SERVICE, ref)
}

function tally (names: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const name of names) { counts[name] = (counts[name] ?? 0) + 1 }
  return counts
}

describe('routed calls', function () {
  this.timeout(120_000)
  const nodes = new TestNodes()

  afterEach(async () => { await nodes.stopAll() })

  async function cluster (count: number, roles: (i: number) => string[] = () => []): Promise<FoundationNode[]> {
    const name = uniqueCluster()
    const all: FoundationNode[] = []
    for (let i = 0; i < count; i++) { all.push(await nodes.start({ clusterName: name, name: `node-${i + 1}`, roles: roles(i) })) }
    await formed(all)
    return all
  }

  async function served (all: FoundationNode[], count: number): Promise<void> {
    await eventually(() => all.every(node => node.groups.members(SERVICE).length === count), `every node sees ${count} actors serving ${SERVICE}`)
  }

  it('round robin reaches every actor in turn, and one key goes to one actor from every node', async () => {
    const all = await cluster(3)
    for (const node of all) { await serve(node) }
    await served(all, 3)
    const answers: string[] = []
    for (let i = 0; i < 30; i++) { answers.push(await all[0].route<string>(SERVICE, {}, { strategy: 'round-robin' })) }
    expect(tally(answers)).to.deep.equal({ 'node-1': 10, 'node-2': 10, 'node-3': 10 })
    for (const key of ['user-1', 'user-2', 'user-3', 'user-4']) {
      const homes = await Promise.all(all.map(async node => node.route<string>(SERVICE, {}, { strategy: 'consistent-hash', key })))
      expect(new Set(homes).size, `${key} went to ${homes.join(', ')}`).to.equal(1)
    }
  })

  it('leaves out members without the role, and members whose gossiped mailbox is over the limit', async () => {
    const all = await cluster(3, (i) => i < 2 ? ['ai'] : [])
    for (const node of all) { await serve(node) }
    await served(all, 3)
    const byRole: string[] = []
    for (let i = 0; i < 20; i++) { byRole.push(await all[2].route<string>(SERVICE, {}, { strategy: 'random', constraints: { roles: ['ai'] } })) }
    expect(Object.keys(tally(byRole)).sort()).to.deep.equal(['node-1', 'node-2'])

    // node-2's actor is kept busy with a long queue: once its report says so, calls leave it out
    const busy = all[1].groups.localMembers(SERVICE)[0]
    for (let i = 0; i < 200; i++) { all[1].send(busy, { hold: 50 }) }
    await eventually(() => (all[0].load.of(all[1].id)?.mailbox ?? 0) > 50, 'node-1 hears of node-2\'s queue')
    const unloaded: string[] = []
    for (let i = 0; i < 20; i++) { unloaded.push(await all[0].route<string>(SERVICE, {}, { strategy: 'random', constraints: { maxMailbox: 50 } })) }
    expect(unloaded).to.not.include('node-2')
    const err = await all[0].route(SERVICE, {}, { constraints: { maxMailbox: 50, roles: ['ai', 'gpu'] } }).catch((e: any) => e) as NoEligibleMemberError
    expect(err).to.be.instanceOf(NoEligibleMemberError)
    expect(err.excluded).to.deep.equal({ maxMailbox: 1, roles: 2 })
  })

  // its return after the ejection is tested on a clock the test moves (ejection-budget.spec.ts)
  it('ejects an actor that fails every call', async () => {
    const all = await cluster(3)
    await serve(all[0])
    await serve(all[1], 0, true)
    await serve(all[2])
    await served(all, 3)
    const answers: string[] = []
    let failures = 0
    for (let i = 0; i < 60; i++) {
      try { answers.push(await all[0].route<string>(SERVICE, {}, { strategy: 'round-robin' })) } catch { failures++ }
    }
    // five failures eject it; the rest go to the other two
    expect(failures).to.equal(5)
    expect(all[0].balancer.stats(SERVICE).ejected).to.have.lengthOf(1)
    expect(answers).to.not.include('node-2')
    expect(answers).to.have.lengthOf(55)
    expect(all[0].balancer.stats(SERVICE).ejections).to.equal(1)
  })

  it('retries a call on another actor when the chosen one\'s node crashed, before membership notices', async () => {
    const all = await cluster(4)
    for (const node of all) { await serve(node) }
    await served(all, 4)
    await nodes.crash(all[3])
    expect(all[0].groups.members(SERVICE)).to.have.lengthOf(4)
    const answers: string[] = []
    for (let i = 0; i < 40; i++) { answers.push(await all[0].route<string>(SERVICE, {}, { strategy: 'round-robin', timeout: 3000 })) }
    expect(answers).to.have.lengthOf(40)
    expect(answers).to.not.include('node-4')
    // node-4's actor was tried, failed without taking the call, and the call went on to another
    expect(all[0].balancer.stats(SERVICE).retries).to.be.greaterThan(0)
  })

  it('least latency sends few calls to a slow actor', async () => {
    const all = await cluster(3)
    await serve(all[0], 5)
    await serve(all[1], 150)
    await serve(all[2], 5)
    await served(all, 3)
    const answers: string[] = []
    // eight callers at once, so calls in flight count as they would under load
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 25; i++) { answers.push(await all[0].route<string>(SERVICE, {}, { strategy: 'least-latency' })) }
    }))
    const counts = tally(answers)
    expect(counts['node-2'] ?? 0, JSON.stringify(counts)).to.be.below(answers.length * 0.1)
  })
})
