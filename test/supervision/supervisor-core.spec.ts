import { expect } from 'aegir/chai'
import { SupervisorSpecError } from '../../src/supervision/errors.ts'
import { RestartIntensity } from '../../src/supervision/restart-intensity.ts'
import { resolveSupervisorSpec } from '../../src/supervision/spec.ts'
import { planExit, shouldRestart } from '../../src/supervision/supervisor-core.ts'
import type { ExitReason, RestartPolicy, SupervisorSpec, SupervisorStrategy } from '../../src/supervision/index.ts'
import type { CoreChild, ExitPlan } from '../../src/supervision/supervisor-core.ts'

class Idle { receive (): void {} }

/** a permanent, b transient, c temporary, d permanent: all running */
function children (status: Partial<Record<string, CoreChild['status']>> = {}): CoreChild[] {
  const restart: Record<string, RestartPolicy> = { a: 'permanent', b: 'transient', c: 'temporary', d: 'permanent' }
  return Object.entries(restart).map(([id, policy]) => ({ id, restart: policy, status: status[id] ?? 'running' }))
}

function clock (): { now(): number, advance(ms: number): void } {
  let t = 1_000_000
  return { now: () => t, advance: (ms) => { t += ms } }
}

function plan (strategy: SupervisorStrategy, exited: string, reason: ExitReason, kids = children(), intensity = new RestartIntensity()): ExitPlan {
  return planExit(strategy, kids, exited, reason, intensity)
}

const restart = (stop: string[], remove: string[], start: string[]): ExitPlan => ({ kind: 'restart', stop, remove, start })
const keep = (remove: boolean): ExitPlan => ({ kind: 'keep-stopped', remove })

describe('supervisor core', () => {
  it('restarts permanent children always, transient ones after a crash, temporary ones never', () => {
    const table: Array<[RestartPolicy, ExitReason, boolean]> = [
      ['permanent', 'normal', true], ['permanent', 'crash', true],
      ['transient', 'normal', false], ['transient', 'crash', true],
      ['temporary', 'normal', false], ['temporary', 'crash', false]
    ]
    for (const [policy, reason, expected] of table) {
      expect(shouldRestart(policy, reason), `${policy} after ${reason}`).to.equal(expected)
    }
  })

  describe('every strategy and policy', () => {
    const cases: Array<[SupervisorStrategy, string, ExitReason, ExitPlan]> = [
      // one-for-one: only the child itself
      ['one-for-one', 'a', 'normal', restart([], [], ['a'])],
      ['one-for-one', 'a', 'crash', restart([], [], ['a'])],
      ['one-for-one', 'b', 'normal', keep(false)],
      ['one-for-one', 'b', 'crash', restart([], [], ['b'])],
      ['one-for-one', 'c', 'normal', keep(true)],
      ['one-for-one', 'c', 'crash', keep(true)],
      // one-for-all: every sibling stopped in reverse order, restarted in order, the temporary one dropped
      ['one-for-all', 'a', 'crash', restart(['d', 'c', 'b'], ['c'], ['a', 'b', 'd'])],
      ['one-for-all', 'b', 'crash', restart(['d', 'c', 'a'], ['c'], ['a', 'b', 'd'])],
      ['one-for-all', 'd', 'normal', restart(['c', 'b', 'a'], ['c'], ['a', 'b', 'd'])],
      ['one-for-all', 'b', 'normal', keep(false)],
      ['one-for-all', 'c', 'crash', keep(true)],
      // rest-for-one: the siblings started after it
      ['rest-for-one', 'a', 'crash', restart(['d', 'c', 'b'], ['c'], ['a', 'b', 'd'])],
      ['rest-for-one', 'b', 'crash', restart(['d', 'c'], ['c'], ['b', 'd'])],
      ['rest-for-one', 'd', 'crash', restart([], [], ['d'])],
      ['rest-for-one', 'b', 'normal', keep(false)],
      ['rest-for-one', 'c', 'normal', keep(true)]
    ]
    for (const [strategy, exited, reason, expected] of cases) {
      it(`${strategy}: ${exited} exits (${reason})`, () => {
        // the exited child is down while the decision is taken
        expect(plan(strategy, exited, reason, children({ [exited]: 'restarting' }))).to.deep.equal(expected)
      })
    }
  })

  it('leaves siblings stopped on purpose stopped, and starts siblings waiting for a restart', () => {
    expect(plan('one-for-all', 'b', 'crash', children({ a: 'stopped', b: 'restarting' }))).to.deep.equal(restart(['d', 'c'], ['c'], ['b', 'd']))
    expect(plan('rest-for-one', 'a', 'crash', children({ a: 'restarting', d: 'restarting' }))).to.deep.equal(restart(['c', 'b'], ['c'], ['a', 'b', 'd']))
  })

  it('escalates on the restart past maxRestarts within the window, and forgets restarts older than the window', () => {
    const time = clock()
    const intensity = new RestartIntensity({ maxRestarts: 3, withinMs: 5000, now: time.now })
    for (let i = 0; i < 3; i++) {
      expect(plan('one-for-one', 'a', 'crash', children(), intensity).kind, `restart ${i + 1}`).to.equal('restart')
      time.advance(1000)
    }
    expect(plan('one-for-one', 'a', 'crash', children(), intensity)).to.deep.equal({ kind: 'escalate' })

    const slow = new RestartIntensity({ maxRestarts: 3, withinMs: 5000, now: time.now })
    for (let i = 0; i < 10; i++) {
      expect(plan('one-for-all', 'a', 'crash', children(), slow).kind, `restart ${i + 1}, 2 s apart`).to.equal('restart')
      time.advance(2000)
    }
  })

  it('counts one restart per exit whatever the strategy takes along, and none for a child left down', () => {
    const time = clock()
    for (const strategy of ['one-for-one', 'one-for-all', 'rest-for-one'] as const) {
      const intensity = new RestartIntensity({ maxRestarts: 2, withinMs: 5000, now: time.now })
      for (let i = 0; i < 5; i++) { plan(strategy, 'b', 'normal', children(), intensity) }
      expect(plan(strategy, 'a', 'crash', children(), intensity).kind, strategy).to.equal('restart')
      expect(plan(strategy, 'a', 'crash', children(), intensity).kind, strategy).to.equal('restart')
      expect(plan(strategy, 'a', 'crash', children(), intensity).kind, strategy).to.equal('escalate')
    }
  })

  it('escalates on the first restart with maxRestarts 0, and uses 3 in 5 s by default', () => {
    expect(plan('one-for-one', 'a', 'crash', children(), new RestartIntensity({ maxRestarts: 0 }))).to.deep.equal({ kind: 'escalate' })
    expect(plan('one-for-one', 'b', 'normal', children(), new RestartIntensity({ maxRestarts: 0 }))).to.deep.equal(keep(false))
    const intensity = new RestartIntensity()
    expect(intensity).to.include({ maxRestarts: 3, withinMs: 5000 })
  })

  it('counts restarts in a sliding window', () => {
    const time = clock()
    const intensity = new RestartIntensity({ maxRestarts: 2, withinMs: 1000, now: time.now })
    expect(intensity.record()).to.equal(true)
    time.advance(600)
    expect(intensity.record()).to.equal(true)
    time.advance(399)
    expect(intensity.recent()).to.equal(2)
    expect(intensity.record()).to.equal(false)
    time.advance(1)
    // the first one is now exactly 1000 ms old: out of the window
    expect(intensity.recent()).to.equal(2)
    intensity.reset()
    expect(intensity.recent()).to.equal(0)
  })

  describe('specs', () => {
    const bad: Array<[string, unknown, string]> = [
      ['not an object', null, 'spec'],
      ['an unknown strategy', { strategy: 'all-for-none', children: [] }, 'strategy'],
      ['a negative maxRestarts', { maxRestarts: -1, children: [] }, 'maxRestarts'],
      ['a fractional maxRestarts', { maxRestarts: 1.5, children: [] }, 'maxRestarts'],
      ['a zero window', { withinMs: 0, children: [] }, 'withinMs'],
      ['no children', {}, 'children'],
      ['an empty name', { name: '', children: [] }, 'name'],
      ['duplicate child ids', { children: [{ id: 'x', actor: Idle }, { id: 'x', actor: Idle }] }, 'children[1].id'],
      ['a child without id', { children: [{ actor: Idle }] }, 'children[0].id'],
      ['an unknown restart policy', { children: [{ id: 'x', actor: Idle, restart: 'sometimes' }] }, 'children[0].restart'],
      ['a child with neither actor nor supervisor', { children: [{ id: 'x' }] }, 'children[0]'],
      ['a child with both', { children: [{ id: 'x', actor: Idle, supervisor: { children: [] } }] }, 'children[0]'],
      ['an actor that is no class', { children: [{ id: 'x', actor: 'Idle' }] }, 'children[0].actor'],
      ['args that are no array', { children: [{ id: 'x', actor: Idle, args: 1 }] }, 'children[0].args'],
      ['a nested mistake', { children: [{ id: 'x', supervisor: { maxRestarts: -2, children: [] } }] }, 'children[0].supervisor.maxRestarts'],
      ['a nested duplicate', { children: [{ id: 'x', supervisor: { children: [{ id: 'y', actor: Idle }, { id: 'y', actor: Idle }] } }] }, 'children[0].supervisor.children[1].id']
    ]
    for (const [what, spec, field] of bad) {
      it(`rejects ${what}, naming ${field}`, () => {
        expect(() => resolveSupervisorSpec(spec as SupervisorSpec)).to.throw(SupervisorSpecError).with.property('field', field)
      })
    }

    it('fills the defaults', () => {
      expect(resolveSupervisorSpec({ children: [{ id: 'x', actor: Idle }] })).to.deep.include({ strategy: 'one-for-one', maxRestarts: 3, withinMs: 5000 })
    })
  })
})
