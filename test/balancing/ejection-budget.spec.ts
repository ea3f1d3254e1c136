// Outlier ejection and the retry budget, on the balancer itself with calls that fail as a node's would.
import { expect } from 'aegir/chai'
import { ActorHandlerError } from '../../src/actors/errors.ts'
import { NoEligibleMemberError, ServiceNotFoundError, RouteOptionError } from '../../src/balancing/errors.ts'
import { LoadBalancer } from '../../src/balancing/load-balancer.ts'
import { EJECTION_DEFAULTS, OutlierState } from '../../src/balancing/outlier-ejection.ts'
import { RetryBudget } from '../../src/balancing/retry-budget.ts'
import { NodeDownError } from '../../src/messaging/errors.ts'
import type { ActorRef } from '../../src/actors/ref.ts'
import type { Clock } from '../../src/time/clock.ts'

/** a clock the test moves by hand */
function manualClock (): Clock & { advance(ms: number): void } {
  let now = 1_000_000
  return {
    now: () => now,
    advance: (ms) => { now += ms },
    after: () => ({ cancel: () => {} }),
    every: () => ({ cancel: () => {} }),
    soon: () => ({ cancel: () => {} })
  }
}

const refs: ActorRef[] = ['a', 'b', 'c', 'd'].map(node => ({ node, id: '1' }))

describe('outlier ejection', () => {
  it('ejects after 5 failures in a row, for 10 s, then twice as long when the first call back fails', () => {
    const state = new OutlierState(0)
    for (let i = 0; i < 4; i++) { expect(state.failed(i)).to.equal(false) }
    expect(state.failed(4)).to.equal(true)
    expect(state.eject(4)).to.equal(4 + EJECTION_DEFAULTS.baseEjection)
    expect(state.isEjected(5000)).to.equal(true)
    expect(state.isEjected(10_004)).to.equal(false)
    expect(state.failed(10_005)).to.equal(true)
    expect(state.eject(10_005)).to.equal(10_005 + 2 * EJECTION_DEFAULTS.baseEjection)
    // a success once back starts the next ejection from the base again
    state.succeeded(40_000)
    for (let i = 0; i < 4; i++) { state.failed(40_001 + i) }
    expect(state.failed(40_010)).to.equal(true)
    expect(state.eject(40_010)).to.equal(40_010 + EJECTION_DEFAULTS.baseEjection)
  })

  it('ejects at half the calls failed once 20 were made in the window', () => {
    const state = new OutlierState(0)
    let ejected = false
    for (let i = 0; i < 20 && !ejected; i++) {
      ejected = i % 2 === 0 ? (state.succeeded(i), false) : state.failed(i)
    }
    expect(ejected).to.equal(true)
  })
})

describe('retry budget', () => {
  it('allows a fifth of the calls of the last 10 s, plus 10 a second, and forgets calls older than that', () => {
    const budget = new RetryBudget(0, { ratio: 0.2, minPerSecond: 0, ttl: 10_000 })
    for (let i = 0; i < 100; i++) { budget.deposit(i * 10) }
    let allowed = 0
    while (budget.tryWithdraw(1000)) { allowed++ }
    expect(allowed).to.equal(20)
    // 11 s on, the calls and retries have left the window
    expect(budget.tryWithdraw(12_000)).to.equal(false)
    budget.deposit(12_000)
    budget.deposit(12_000)
    budget.deposit(12_000)
    budget.deposit(12_000)
    budget.deposit(12_000)
    expect(budget.tryWithdraw(12_000)).to.equal(true)
    const reserve = new RetryBudget(0)
    let spare = 0
    while (reserve.tryWithdraw(0)) { spare++ }
    expect(spare).to.equal(100)
  })
})

describe('load balancer', () => {
  function balancer (call: (ref: ActorRef) => Promise<unknown>, clock = manualClock()): LoadBalancer {
    return new LoadBalancer({
      instances: () => refs,
      facts: () => ({ roles: [], load: undefined }),
      call: async (ref) => call(ref),
      clock
    }, { callTimeout: 1000 })
  }

  it('retries on another actor when the first never took the message, and keeps retries within the budget', async () => {
    const calls = new Map<string, number>()
    const lb = balancer(async (ref) => {
      calls.set(ref.node, (calls.get(ref.node) ?? 0) + 1)
      if (ref.node !== 'd') { throw new NodeDownError(ref.node) }
      return 'ok'
    })
    // ejection would soon keep a, b and c out: with it, fewer retries are needed; without failures spread over them, more
    let ok = 0
    let failed = 0
    for (let i = 0; i < 2000; i++) {
      try {
        await lb.route('svc', i, { strategy: 'random', retries: 3 })
        ok++
      } catch (err: any) {
        expect(err).to.be.instanceOf(NodeDownError)
        failed++
      }
    }
    const stats = lb.stats('svc')
    expect(stats.requests).to.equal(2000)
    // the budget: a fifth of the calls in the window plus 100
    expect(stats.retries).to.be.at.most(0.2 * 2000 + 100)
    const tries = [...calls.values()].reduce((a, b) => a + b, 0)
    expect(tries).to.equal(2000 + stats.retries)
    expect(tries / 2000).to.be.at.most(1.25)
    expect(ok + failed).to.equal(2000)
    expect(stats.ejections).to.be.greaterThan(0)
  })

  it('ejects an actor that fails every call, never more than half of them, and tries it again after the ejection', async () => {
    const clock = manualClock()
    const failing = new Set(['a', 'b', 'c'])
    const seen: string[] = []
    const lb = balancer(async (ref) => {
      seen.push(ref.node)
      if (failing.has(ref.node)) { throw new ActorHandlerError('Error', 'boom') }
      return ref.node
    }, clock)
    for (let i = 0; i < 100; i++) { await lb.route('svc', i, { strategy: 'round-robin' }).catch(() => {}) }
    const stats = lb.stats('svc')
    // at most half of the 4 are out at once
    expect(stats.ejected.sort()).to.have.lengthOf(2)
    seen.length = 0
    for (let i = 0; i < 20; i++) { await lb.route('svc', i, { strategy: 'round-robin' }).catch(() => {}) }
    for (const id of stats.ejected) { expect(seen).to.not.include(id.split('/')[0]) }
    // back after 10 s
    clock.advance(EJECTION_DEFAULTS.baseEjection + 1)
    seen.length = 0
    for (let i = 0; i < 20; i++) { await lb.route('svc', i, { strategy: 'round-robin' }).catch(() => {}) }
    for (const id of stats.ejected) { expect(seen).to.include(id.split('/')[0]) }
  })

  it('names what is wrong: no actor, no eligible actor, bad options', async () => {
    const lb = new LoadBalancer({
      instances: (service) => service === 'none' ? [] : refs,
      facts: (node) => node === 'a' ? undefined : { roles: node === 'b' ? ['ai'] : [], load: { processes: 0, messageRate: 0, cpu: 0.95 } as any },
      call: async () => 'ok'
    }, { callTimeout: 1000 })
    await expect(lb.route('none', 1)).to.be.rejectedWith(ServiceNotFoundError, /no actor serves "none"/)
    const err = await lb.route('svc', 1, { constraints: { maxCpu: 0.8 } }).catch((e: any) => e) as NoEligibleMemberError
    expect(err).to.be.instanceOf(NoEligibleMemberError)
    expect(err.excluded).to.deep.equal({ down: 1, maxCpu: 3 })
    expect(err.message).to.include('maxCpu (3)')
    await expect(lb.route('svc', 1, { strategy: 'fastest' as any })).to.be.rejectedWith(RouteOptionError, /strategy must be one of/)
    await expect(lb.route('svc', 1, { strategy: 'consistent-hash' })).to.be.rejectedWith(RouteOptionError, /key is required/)
    await expect(lb.route('svc', 1, { retries: -1 })).to.be.rejectedWith(RouteOptionError, /retries/)
  })

  it('draws from a service of hundreds without looking at every actor, and still honours constraints and ejection', async () => {
    const many: ActorRef[] = Array.from({ length: 300 }, (_, i) => ({ node: `n${i}`, id: '1' }))
    const seen = new Map<string, number>()
    let factsAsked = 0
    const lb = new LoadBalancer({
      instances: () => many,
      facts: (node) => {
        factsAsked++
        return { roles: Number(node.slice(1)) % 3 === 0 ? ['ai'] : [], load: undefined }
      },
      call: async (ref) => {
        seen.set(ref.node, (seen.get(ref.node) ?? 0) + 1)
        return ref.node
      }
    }, { callTimeout: 1000 })
    for (let i = 0; i < 3000; i++) { await lb.route('svc', i, { strategy: 'round-robin' }) }
    // round robin over 300 takes each 10 times, asking no member's facts (no constraint)
    expect(seen.size).to.equal(300)
    expect([...seen.values()].every(count => count === 10)).to.equal(true)
    expect(factsAsked).to.equal(0)
    seen.clear()
    for (let i = 0; i < 1000; i++) { await lb.route('svc', i, { strategy: 'least-latency', constraints: { roles: ['ai'] } }) }
    expect([...seen.keys()].every(node => Number(node.slice(1)) % 3 === 0)).to.equal(true)
    // a third of the actors pass: each call draws a few, never all 300
    expect(factsAsked / 1000).to.be.below(12)
    expect(seen.size).to.be.above(80)
    // a constraint only 1 in 300 passes: the draws give up and every actor is looked at
    const err = await lb.route('svc', 1, { strategy: 'random', constraints: { roles: ['gpu'] } }).catch((e: any) => e) as NoEligibleMemberError
    expect(err.excluded).to.deep.equal({ roles: 300 })
  })
})
