// Each strategy's choice under known loads, and the constraints' filter.
import { expect } from 'aegir/chai'
import { checkConstraints, failedConstraint } from '../../src/balancing/constraints.ts'
import { RouteOptionError } from '../../src/balancing/errors.ts'
import { LatencyEstimate } from '../../src/balancing/latency-estimate.ts'
import { latencyCost, pick } from '../../src/balancing/strategies.ts'
import { seededRandom as seeded } from '../../src/membership/swim/random.ts'
import type { Choice, PickContext } from '../../src/balancing/strategies.ts'

function choices (count: number, now = 0): Choice[] {
  return Array.from({ length: count }, (_, i) => ({ id: `node-${i}/a`, inFlight: 0, latency: new LatencyEstimate(now) }))
}

function context (random = seeded(7), key?: string): PickContext {
  let turn = 0
  return { now: 0, random, key, nextTurn: () => turn++ }
}

function tally (picked: Choice[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const choice of picked) { counts.set(choice.id, (counts.get(choice.id) ?? 0) + 1) }
  return counts
}

describe('balancing strategies', () => {
  it('round robin takes each in turn', () => {
    const all = choices(3)
    const ctx = context()
    expect(Array.from({ length: 6 }, () => pick('round-robin', all, ctx).id)).to.deep.equal([
      'node-0/a', 'node-1/a', 'node-2/a', 'node-0/a', 'node-1/a', 'node-2/a'
    ])
  })

  it('random spreads evenly', () => {
    const all = choices(4)
    const ctx = context(seeded(11))
    const counts = tally(Array.from({ length: 4000 }, () => pick('random', all, ctx)))
    for (const choice of all) { expect(counts.get(choice.id)).to.be.within(850, 1150) }
  })

  it('least connections prefers the one with fewer calls in flight, and never the busiest', () => {
    const all = choices(5)
    all.forEach((choice, i) => { choice.inFlight = i * 3 })
    const ctx = context(seeded(3))
    const counts = tally(Array.from({ length: 5000 }, () => pick('least-connections', all, ctx)))
    // of two drawn at random, the less busy wins: the idlest is in 2 of 5 pairs, the busiest wins none
    expect(counts.get('node-4/a') ?? 0).to.equal(0)
    expect(counts.get('node-0/a')).to.be.within(1800, 2200)
    expect(counts.get('node-0/a')!).to.be.greaterThan(counts.get('node-1/a')!)
    expect(counts.get('node-1/a')!).to.be.greaterThan(counts.get('node-2/a')!)
    expect(counts.get('node-2/a')!).to.be.greaterThan(counts.get('node-3/a')!)
  })

  it('least connections does not send everything to the least loaded (no herding on one member)', () => {
    const all = choices(10)
    all.forEach((choice, i) => { choice.inFlight = i })
    const ctx = context(seeded(5))
    const counts = tally(Array.from({ length: 2000 }, () => pick('least-connections', all, ctx)))
    // the least loaded is in 9 of 45 pairs: a fifth of the calls, where taking the minimum would give it all
    expect(counts.get('node-0/a')).to.be.within(300, 500)
    expect(counts.size).to.equal(9)
  })

  it('least latency avoids a slow member from its first slow answer, and tries it again as the estimate decays', () => {
    const all = choices(5)
    for (const choice of all) { choice.latency.observe(10, 0) }
    all[2].latency.observe(1000, 0)
    // an average: one answer of 1000 after one of 10 weighs a fifth
    expect(all[2].latency.value(0)).to.equal(208)
    const ctx = context(seeded(9))
    const counts = tally(Array.from({ length: 2000 }, () => pick('least-latency', all, ctx)))
    expect(counts.get('node-2/a') ?? 0).to.equal(0)
    expect(counts.size).to.equal(4)
    // 40 s with no answer: e^-4 of itself, about 3.8 ms, while the others answered in 10 ms all along
    for (let t = 100; t <= 40_000; t += 100) {
      for (const choice of all.filter((_, i) => i !== 2)) { choice.latency.observe(10, t) }
    }
    expect(all[2].latency.value(40_000)).to.be.within(3.7, 3.9)
    expect(latencyCost(all[2], 40_000)).to.be.below(latencyCost(all[0], 40_000))
  })

  it('least latency weighs the estimate by the root of the calls in flight, counts a failure as the whole timeout, and gives a member not heard from one call at a time', () => {
    const [fast, slow] = choices(2)
    fast.latency.observe(10, 0)
    slow.latency.observe(25, 0)
    fast.inFlight = 3
    expect(latencyCost(fast, 0)).to.equal(20)
    expect(pick('least-latency', [fast, slow], context()).id).to.equal(fast.id)
    fast.inFlight = 8
    expect(latencyCost(fast, 0)).to.equal(30)
    expect(pick('least-latency', [fast, slow], context()).id).to.equal(slow.id)
    slow.latency.penalize(1000, 0)
    expect(latencyCost(slow, 0)).to.equal(1000)
    const [fresh] = choices(1)
    expect(latencyCost(fresh, 0)).to.equal(0)
    fresh.inFlight = 1
    expect(latencyCost(fresh, 0)).to.be.greaterThan(1e6)
  })

  it('consistent hash keeps a key on one actor, and moves only the keys of an actor that left', () => {
    const all = choices(6)
    const ctx = context()
    const keys = Array.from({ length: 600 }, (_, i) => `user-${i}`)
    const before = keys.map(key => pick('consistent-hash', all, { ...ctx, key }).id)
    expect(keys.map(key => pick('consistent-hash', [...all].reverse(), { ...ctx, key }).id)).to.deep.equal(before)
    const counts = tally(before.map(id => all.find(c => c.id === id)!))
    for (const choice of all) { expect(counts.get(choice.id)).to.be.within(60, 140) }
    const without = all.filter(c => c.id !== 'node-3/a')
    const after = keys.map(key => pick('consistent-hash', without, { ...ctx, key }).id)
    const moved = keys.filter((_, i) => before[i] !== after[i])
    expect(moved.length).to.equal(counts.get('node-3/a'))
    expect(moved.every(key => before[keys.indexOf(key)] === 'node-3/a')).to.equal(true)
  })
})

describe('balancing constraints', () => {
  const load = { processes: 1, messageRate: 0, cpu: 0.9, eventLoopLag: 120, heap: 0.5, mailbox: 40, uptime: 3000 }

  it('names the first constraint a member fails', () => {
    expect(failedConstraint({ roles: ['ai'], load }, { maxCpu: 0.8 })).to.equal('maxCpu')
    expect(failedConstraint({ roles: ['ai'], load }, { maxCpu: 0.95, maxEventLoopLag: 100 })).to.equal('maxEventLoopLag')
    expect(failedConstraint({ roles: ['ai'], load }, { maxHeap: 0.4 })).to.equal('maxHeap')
    expect(failedConstraint({ roles: ['ai'], load }, { maxMailbox: 10 })).to.equal('maxMailbox')
    expect(failedConstraint({ roles: ['ai'], load }, { minUptime: 10_000 })).to.equal('minUptime')
    expect(failedConstraint({ roles: ['ai'], load }, { roles: ['ai', 'gpu'] })).to.equal('roles')
    expect(failedConstraint({ roles: ['ai', 'gpu'], load }, { maxCpu: 0.95, maxEventLoopLag: 200, maxHeap: 0.6, maxMailbox: 50, minUptime: 1000, roles: ['gpu'] })).to.equal(undefined)
  })

  it('lets a member that has not told a measure pass it', () => {
    expect(failedConstraint({ roles: [], load: undefined }, { maxCpu: 0.1, maxMailbox: 0, minUptime: 1e9 })).to.equal(undefined)
    expect(failedConstraint({ roles: [], load: { processes: 0, messageRate: 0 } }, { maxHeap: 0.1 })).to.equal(undefined)
  })

  it('refuses an unknown or out-of-range constraint by name', () => {
    expect(() => { checkConstraints({ maxCpu: 80 }) }).to.throw(RouteOptionError, /constraints\.maxCpu must be a share from 0 to 1/)
    expect(() => { checkConstraints({ maxMailbox: -1 }) }).to.throw(RouteOptionError, /constraints\.maxMailbox/)
    expect(() => { checkConstraints({ cpuUnder: 0.8 } as any) }).to.throw(RouteOptionError, /constraints\.cpuUnder is not a constraint/)
    expect(() => { checkConstraints({ roles: 'ai' } as any) }).to.throw(RouteOptionError, /constraints\.roles/)
  })
})
