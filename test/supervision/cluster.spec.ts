import { expect } from 'aegir/chai'
import { ActorHandlerError, ActorNotFoundError } from '../../src/actors/errors.ts'
import { SupervisorSpecError } from '../../src/supervision/errors.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import { Journal, Worker } from './fixtures.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { SupervisorFailure } from '../../src/supervision/index.ts'

describe('supervisors in a cluster', function () {
  const nodes = new TestNodes()
  let a: FoundationNode, b: FoundationNode

  beforeEach(async () => {
    [a, b] = await nodes.startMany(2, { clusterName: uniqueCluster() })
    await formed([a, b])
  })
  afterEach(async () => { await nodes.stopAll() })

  it('restarts a crashed child under the same ref and name, and calls by name from another node reach the new instance', async () => {
    const journal = new Journal()
    const sup = await b.supervise({ name: 'app', children: [{ id: 'w', actor: Worker, args: [journal, 'w'], name: 'worker' }] })
    const ref = sup.children()[0].ref
    expect(await a.lookup('worker')).to.deep.equal(ref)
    expect(await a.call('worker', { value: 1 })).to.deep.equal({ value: 1, instance: 1 })

    const err = await a.call('worker', { crash: 'remote boom' }).catch((e: Error) => e)
    expect(err).to.be.instanceOf(ActorHandlerError).and.include({ remoteName: 'RangeError', message: 'remote boom' })
    expect(await a.call('worker', { value: 2 })).to.deep.equal({ value: 2, instance: 2 })
    expect(await a.call(ref!, { value: 3 })).to.deep.equal({ value: 3, instance: 2 })
    expect(await a.lookup('worker')).to.deep.equal(ref)
    expect(sup.children()[0]).to.include({ restarts: 1, status: 'running' })
  })

  it('reports a top-level supervisor that gives up as supervisor:failed; its names are gone', async () => {
    const journal = new Journal()
    const failures: SupervisorFailure[] = []
    b.addEventListener('supervisor:failed', (evt) => { failures.push(evt.detail) })
    await b.supervise({ name: 'fragile', maxRestarts: 1, children: [{ id: 'w', actor: Worker, args: [journal, 'w'], name: 'fragile-worker' }] })
    for (let i = 0; i < 2; i++) {
      await a.call('fragile-worker', { crash: `crash ${i}` }).catch(() => {})
      await eventually(() => journal.made.get('w') === i + 2 || failures.length > 0, `crash ${i + 1} handled`)
    }
    await eventually(() => failures.length === 1, 'the supervisor failed')
    expect(failures[0].name).to.equal('fragile')
    expect(failures[0].error.name).to.equal('RestartIntensityError')
    await eventually(async () => (await a.lookup('fragile-worker')) == null, 'the name is gone from the other node')
    await expect(b.call('fragile-worker', {})).to.eventually.be.rejectedWith(ActorNotFoundError)
  })

  it('stops a supervised actor for good through stopActor', async () => {
    const journal = new Journal()
    const sup = await b.supervise({ children: [{ id: 'w', actor: Worker, args: [journal, 'w'], name: 'stoppable' }] })
    await b.stopActor('stoppable')
    expect(sup.children()[0]).to.include({ status: 'stopped', restarts: 0 })
    await eventually(async () => (await a.lookup('stoppable')) == null, 'the name is gone')
    expect(journal.events).to.deep.equal(['start w', 'stop w'])
  })

  it('rejects a bad spec naming the field', async () => {
    await expect(b.supervise({ strategy: 'sometimes' as any, children: [] })).to.eventually.be.rejectedWith(SupervisorSpecError).with.property('field', 'strategy')
  })

  it('stops supervisors before other actors when the node stops, restarting nothing', async () => {
    const journal = new Journal()
    await b.spawn(Worker, { args: [journal, 'loose'] })
    const sup = await b.supervise({ strategy: 'one-for-all', children: [{ id: 'x', actor: Worker, args: [journal, 'x'] }, { id: 'y', actor: Worker, args: [journal, 'y'] }] })
    let restarts = 0
    sup.addEventListener('child:restart', () => { restarts++ })
    const mark = journal.events.length
    await b.stop()
    expect(journal.since(mark)).to.deep.equal(['stop y', 'stop x', 'stop loose'])
    expect(restarts).to.equal(0)
  })
})
