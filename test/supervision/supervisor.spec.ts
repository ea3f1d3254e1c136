import { expect } from 'aegir/chai'
import { ActorHandlerError, ActorStoppedError } from '../../src/actors/errors.ts'
import { ChildStartError, RestartIntensityError, SupervisorSpecError, SupervisorStoppedError, UnknownChildError } from '../../src/supervision/errors.ts'
import { eventually } from '../fixtures/nodes.ts'
import { Harness, refOf } from './fixtures.ts'
import type { ChildExit, ChildRestart, SupervisorEvents, SupervisorStrategy } from '../../src/supervision/index.ts'
import type { LocalSupervisor } from '../../src/supervision/supervisor.ts'

/** the detail of the next event of that type (bounded by the test's timeout) */
async function next<K extends keyof SupervisorEvents> (supervisor: LocalSupervisor, type: K, filter: (detail: SupervisorEvents[K]['detail']) => boolean = () => true): Promise<SupervisorEvents[K]['detail']> {
  return new Promise(resolve => {
    const listener = (evt: SupervisorEvents[K]): void => {
      if (!filter(evt.detail)) { return }
      supervisor.removeEventListener(type, listener)
      resolve(evt.detail)
    }
    supervisor.addEventListener(type, listener)
  })
}

/** Crashes the middle one of children a, b, c: what happened after, and each child's restarts. */
async function crashMiddleChild (strategy: SupervisorStrategy): Promise<{ journal: string[], restarts: Record<string, number> }> {
  const h = new Harness()
  try {
    const sup = await h.supervise({ strategy, children: [h.worker('a'), h.worker('b'), h.worker('c')] })
    const mark = h.journal.events.length
    const restarted = next(sup, 'child:restart', detail => detail.id === 'b')
    await h.call(refOf(sup, 'b'), { crash: 'b fails' }).catch(() => {})
    await restarted
    await eventually(() => sup.children().every(c => c.status === 'running'), 'every child runs again')
    return { journal: h.journal.since(mark), restarts: Object.fromEntries(sup.children().map(c => [c.id, c.restarts])) }
  } finally {
    await h.stopAll()
  }
}

function record (supervisor: LocalSupervisor): { exits: ChildExit[], restarts: ChildRestart[], failures: Error[] } {
  const seen = { exits: [] as ChildExit[], restarts: [] as ChildRestart[], failures: [] as Error[] }
  supervisor.addEventListener('child:exit', (evt) => { seen.exits.push(evt.detail) })
  supervisor.addEventListener('child:restart', (evt) => { seen.restarts.push(evt.detail) })
  supervisor.addEventListener('failed', (evt) => { seen.failures.push(evt.detail) })
  return seen
}

describe('local supervisors', () => {
  let h: Harness
  beforeEach(() => { h = new Harness() })
  afterEach(async () => { await h.stopAll() })

  it('restarts a crashed child under the same ref and name; the crashing call fails, the calls queued behind it reach the new instance', async () => {
    const sup = await h.supervise({ children: [h.worker('w', { name: 'w' })] })
    const seen = record(sup)
    const ref = refOf(sup, 'w')
    expect(h.names.get('w')).to.deep.equal(ref)

    const crashing = h.call(ref, { delay: 20, crash: 'boom' }).catch((e: Error) => e)
    const queued = [h.call(ref, { value: 1 }), h.call(ref, { value: 2 })]
    const err = await crashing
    expect(err).to.be.instanceOf(ActorHandlerError).and.include({ remoteName: 'RangeError', message: 'boom' })
    expect(await Promise.all(queued)).to.deep.equal([{ value: 1, instance: 2 }, { value: 2, instance: 2 }])

    expect(sup.children()).to.deep.equal([{ id: 'w', ref, restarts: 1, status: 'running' }])
    expect(h.actors.named('w')?.ref).to.deep.equal(ref)
    expect(h.names.get('w')).to.deep.equal(ref)
    // the old instance's stopped hook ran before the new one started
    expect(h.journal.events).to.deep.equal(['start w', 'stop w', 'start w'])
    expect(seen.exits).to.have.lengthOf(1)
    expect(seen.exits[0]).to.include({ id: 'w', reason: 'crash' })
    expect(seen.exits[0].error).to.be.instanceOf(ActorHandlerError)
    expect(seen.restarts).to.deep.equal([{ id: 'w', restarts: 1 }])
  })

  it('crashes on a throw of a sent message too, and restarts the child', async () => {
    const sup = await h.supervise({ children: [h.worker('w')] })
    const ref = refOf(sup, 'w')
    h.actors.get(ref.id)?.deliver({ crash: 'nobody waits' })
    expect(await h.call(ref, { value: 'after' })).to.deep.equal({ value: 'after', instance: 2 })
  })

  describe('strategies', () => {
    const cases = [
      ['one-for-one', ['stop b', 'start b']],
      ['one-for-all', ['stop b', 'stop c', 'stop a', 'start a', 'start b', 'start c']],
      ['rest-for-one', ['stop b', 'stop c', 'start b', 'start c']]
    ] as const
    for (const [strategy, expected] of cases) {
      it(`${strategy}: stops siblings in reverse start order and restarts them in start order`, async () => {
        const { journal, restarts } = await crashMiddleChild(strategy)
        expect(journal).to.deep.equal(expected)
        expect(restarts).to.deep.equal({ a: strategy === 'one-for-all' ? 1 : 0, b: 1, c: strategy === 'one-for-one' ? 0 : 1 })
      })
    }

    it('carries the queued messages of a sibling stopped by the strategy over to its new instance', async () => {
      const sup = await h.supervise({ strategy: 'one-for-all', children: [h.worker('a'), h.worker('b')] })
      const a = refOf(sup, 'a')
      const b = refOf(sup, 'b')
      // b is busy while a crashes, so its next message is still queued when b is stopped for the restart
      const busy = h.call(b, { delay: 30, value: 'busy' })
      const queued = h.call(b, { value: 'queued' })
      await h.call(a, { crash: 'a fails' }).catch(() => {})
      expect(await busy).to.deep.include({ value: 'busy', instance: 1 })
      expect(await queued).to.deep.equal({ value: 'queued', instance: 2 })
    })
  })

  it('restarts a permanent child that stops itself, not a transient one; a temporary one leaves', async () => {
    const sup = await h.supervise({
      children: [h.worker('p'), h.worker('t', { name: 't', restart: 'transient' }), h.worker('tmp', { restart: 'temporary' })]
    })
    const seen = record(sup)
    const p = refOf(sup, 'p')
    const t = refOf(sup, 't')
    expect(await h.call(p, { stop: true, value: 'bye' })).to.deep.equal({ value: 'bye', instance: 1 })
    await eventually(() => seen.restarts.length === 1, 'the permanent child is restarted')
    expect(await h.call(p, { value: 'again' })).to.deep.equal({ value: 'again', instance: 2 })

    const stopping = h.call(t, { stop: true, delay: 10 })
    const queued = h.call(t, { value: 'too late' }).catch((e: Error) => e)
    expect(await stopping).to.deep.include({ instance: 1 })
    expect(await queued).to.be.instanceOf(ActorStoppedError)
    await eventually(() => sup.children().find(c => c.id === 't')?.status === 'stopped', 'the transient child is stopped')
    expect(h.actors.get(t.id)).to.equal(undefined)
    expect(h.names.has('t')).to.equal(false)

    await h.call(refOf(sup, 'tmp'), { crash: 'gone' }).catch(() => {})
    await eventually(() => sup.children().length === 2, 'the temporary child leaves')
    expect(seen.exits.map(e => [e.id, e.reason])).to.deep.equal([['p', 'normal'], ['t', 'normal'], ['tmp', 'crash']])
    expect(seen.restarts).to.deep.equal([{ id: 'p', restarts: 1 }])
  })

  it('restarts a transient child after a crash', async () => {
    const sup = await h.supervise({ children: [h.worker('t', { restart: 'transient' })] })
    await h.call(refOf(sup, 't'), { crash: 'oops' }).catch(() => {})
    expect(await h.call(refOf(sup, 't'), { value: 1 })).to.deep.equal({ value: 1, instance: 2 })
  })

  it('gives up past maxRestarts: stops every child in reverse order, fails, and fails queued calls', async () => {
    const sup = await h.supervise({ name: 'top', maxRestarts: 2, children: [h.worker('a', { name: 'a' }), h.worker('b'), h.worker('c')] })
    const seen = record(sup)
    const failed = next(sup, 'failed')
    const b = refOf(sup, 'b')
    for (let i = 0; i < 2; i++) {
      await h.call(b, { crash: `crash ${i}` }).catch(() => {})
      await eventually(() => seen.restarts.length === i + 1, `restart ${i + 1}`)
    }
    const mark = h.journal.events.length
    const crashing = h.call(b, { delay: 10, crash: 'last straw' }).catch(() => {})
    const queued = h.call(b, { value: 'never' }).catch((e: Error) => e)
    const error = await failed
    await crashing
    expect(error).to.be.instanceOf(RestartIntensityError).and.include({ child: 'b', maxRestarts: 2 })
    expect(error.cause).to.be.instanceOf(ActorHandlerError).and.include({ message: 'last straw' })
    expect(await queued).to.be.instanceOf(ActorStoppedError)
    expect(h.journal.since(mark)).to.deep.equal(['stop b', 'stop c', 'stop a'])
    expect(sup.children().map(c => c.status)).to.deep.equal(['stopped', 'stopped', 'stopped'])
    expect(h.actors.count).to.equal(0)
    expect(h.names.size).to.equal(0)
    await expect(sup.startChild(h.worker('late'))).to.eventually.be.rejectedWith(SupervisorStoppedError)
  })

  it('treats a nested supervisor that gives up as a crashed child, and fails upward when that happens too often', async () => {
    const sup = await h.supervise({
      name: 'outer',
      maxRestarts: 1,
      children: [
        { id: 'inner', supervisor: { name: 'inner', maxRestarts: 0, children: [h.worker('x', { name: 'x' })] } },
        h.worker('y')
      ]
    })
    const seen = record(sup)
    const inner = sup.children()[0].supervisor as LocalSupervisor
    const innerFailures = record(inner).failures
    const x = refOf(inner, 'x')

    await h.call(x, { crash: 'x fails' }).catch(() => {})
    await eventually(() => seen.restarts.length === 1, 'the outer supervisor restarts the inner one')
    expect(innerFailures).to.have.lengthOf(1)
    expect(seen.exits[0]).to.include({ id: 'inner', reason: 'crash' })
    expect(seen.exits[0].error).to.be.instanceOf(RestartIntensityError)
    // the grandchild keeps its ref and name across its supervisor's restart
    expect(refOf(inner, 'x')).to.deep.equal(x)
    expect(h.names.get('x')).to.deep.equal(x)
    expect(await h.call(x, { value: 1 })).to.deep.equal({ value: 1, instance: 2 })

    const failed = next(sup, 'failed')
    await h.call(x, { crash: 'x fails again' }).catch(() => {})
    const error = await failed
    expect(error).to.be.instanceOf(RestartIntensityError).and.include({ child: 'inner' })
    expect(h.actors.count).to.equal(0)
    expect(sup.children().map(c => c.status)).to.deep.equal(['stopped', 'stopped'])
  })

  it('fails to start when a child cannot start, and stops the children started before it', async () => {
    h.journal.failStarts.set('b', 1)
    const err = await h.supervise({ children: [h.worker('a', { name: 'a' }), h.worker('b'), h.worker('c')] }).catch((e: Error) => e)
    expect(err).to.be.instanceOf(ChildStartError).and.include({ child: 'b' })
    expect((err as Error).cause).to.be.instanceOf(Error).and.include({ message: 'b cannot start' })
    expect(h.journal.events).to.deep.equal(['start a', 'fail b', 'stop a'])
    expect(h.actors.count).to.equal(0)
    expect(h.names.size).to.equal(0)
  })

  it('counts a restart whose start fails as one more exit, and keeps the queued calls for the attempt that succeeds', async () => {
    const sup = await h.supervise({ maxRestarts: 3, children: [h.worker('w')] })
    const ref = refOf(sup, 'w')
    h.journal.failStarts.set('w', 2)
    const crashing = h.call(ref, { delay: 10, crash: 'first' }).catch(() => {})
    const queued = h.call(ref, { value: 'kept' })
    await crashing
    expect(await queued).to.deep.equal({ value: 'kept', instance: 4 })
    await eventually(() => sup.children()[0].restarts === 1, 'the restart is counted')
    expect(h.journal.events).to.deep.equal(['start w', 'stop w', 'fail w', 'fail w', 'start w'])
    expect(sup.children()[0]).to.include({ status: 'running' })

    // the next crash is the fourth restart within the window: too many
    const failed = next(sup, 'failed')
    h.journal.failStarts.set('w', 5)
    await h.call(ref, { crash: 'again' }).catch(() => {})
    expect(await failed).to.be.instanceOf(RestartIntensityError)
  })

  it('starts, stops and restarts children on demand, keeping refs and names', async () => {
    const sup = await h.supervise({ children: [h.worker('a')] })
    const seen = record(sup)
    const ref = await sup.startChild(h.worker('b', { name: 'b' }))
    expect(ref).to.deep.equal(refOf(sup, 'b'))
    expect(h.names.get('b')).to.deep.equal(ref)
    await expect(sup.startChild(h.worker('b'))).to.eventually.be.rejectedWith(SupervisorSpecError).with.property('field', 'child.id')
    await expect(sup.startChild({ ...h.worker('c'), restart: 'never' as any })).to.eventually.be.rejectedWith(SupervisorSpecError).with.property('field', 'child.restart')

    await sup.stopChild('b')
    expect(sup.children().find(c => c.id === 'b')).to.include({ status: 'stopped', restarts: 0 })
    expect(h.names.has('b')).to.equal(false)
    expect(h.actors.count).to.equal(1)

    await sup.restartChild('b')
    expect(refOf(sup, 'b')).to.deep.equal(ref)
    expect(h.names.get('b')).to.deep.equal(ref)
    expect(await h.call(ref, { value: 1 })).to.deep.equal({ value: 1, instance: 2 })

    await sup.restartChild('b')
    expect(await h.call(ref, { value: 2 })).to.deep.equal({ value: 2, instance: 3 })
    expect(seen.restarts).to.deep.equal([{ id: 'b', restarts: 1 }, { id: 'b', restarts: 2 }])
    expect(seen.exits).to.deep.equal([])

    await expect(sup.stopChild('nobody')).to.eventually.be.rejectedWith(UnknownChildError)
    const mark = h.journal.events.length
    await sup.stop()
    expect(h.journal.since(mark)).to.deep.equal(['stop b', 'stop a'])
    expect(h.actors.count).to.equal(0)
    await expect(sup.restartChild('a')).to.eventually.be.rejectedWith(SupervisorStoppedError)
  })

  it('hands a ChildStartError to startChild and restartChild when the child cannot start', async () => {
    const sup = await h.supervise({ children: [h.worker('a')] })
    h.journal.failStarts.set('b', 1)
    await expect(sup.startChild(h.worker('b'))).to.eventually.be.rejectedWith(ChildStartError)
    expect(sup.children().map(c => c.id)).to.deep.equal(['a'])
    h.journal.failStarts.set('a', 1)
    await expect(sup.restartChild('a')).to.eventually.be.rejectedWith(ChildStartError)
    expect(sup.children()[0]).to.include({ status: 'stopped' })
    await sup.restartChild('a')
    expect(sup.children()[0]).to.include({ status: 'running' })
  })
})
