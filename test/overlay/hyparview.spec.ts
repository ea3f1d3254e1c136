// HyParView cores on a seeded in-test network: 200 nodes join, then half of them crash at once.
import { expect } from 'aegir/chai'
import { randomInt, sample, seededRandom } from '../../src/membership/swim/random.ts'
import { DEFAULT_HYPARVIEW_CONFIG, HyParViewCore, validateHyParViewMessage, viewSizesFor } from '../../src/overlay/hyparview/index.ts'
import { Codec } from '../../src/wire/codec.ts'
import type { HyParViewConfig, OverlayOutput, Random } from '../../src/overlay/hyparview/index.ts'

const SEEDS = process.env.HYPARVIEW_SEED != null ? process.env.HYPARVIEW_SEED.split(',').map(Number) : [1, 7, 42]
const TICK = 100
/** ms a message takes, at least and at most */
const MIN_DELAY = 5
const MAX_DELAY = 50
const NODES = 200
// without rotation: once quiet, every link of the protocol proper is symmetric (rotation: test/overlay/overlay-sim.spec.ts)
const CONFIG: HyParViewConfig = { ...DEFAULT_HYPARVIEW_CONFIG, ...viewSizesFor(NODES), rotateInterval: 0 }

/** Something due at `at`: a message arriving, or the adapter of `to` reporting its link to `from` failed. */
interface Due { at: number, order: number, from: string, to: string, bytes?: Uint8Array }

/**
 * A synchronous network: messages arrive after a seeded delay of 5–50 ms, in order between any two nodes (one
 * link each), through the real codec and validator; every node ticks every 100 ms. A crashed node's messages are
 * lost both ways and its linked neighbours are told the link failed; `dialFailures` also reports each message
 * sent to a crashed node as a failed link, as a refused dial would be.
 */
class Network {
  readonly seed: number
  now = 0
  readonly cores = new Map<string, HyParViewCore>()
  readonly crashed = new Set<string>()
  /** broken rules seen after any call: views over size, self held, a peer both active and passive, wrong events */
  readonly violations: string[] = []
  private readonly random: Random
  private readonly codec = new Codec()
  private readonly dialFailures: boolean
  /** each node's active view as its up/down events describe it */
  private readonly linked = new Map<string, Set<string>>()
  /** last arrival per direction of a link, so messages never overtake each other */
  private readonly lastArrival = new Map<string, number>()
  private queue: Due[] = []
  private order = 0
  private nextTickAt = TICK

  constructor (seed: number, options: { dialFailures?: boolean } = {}) {
    this.seed = seed
    this.random = seededRandom(seed)
    this.dialFailures = options.dialFailures ?? false
  }

  get tag (): string {
    return `seed ${this.seed} at t=${this.now} ms`
  }

  get live (): string[] {
    return [...this.cores.keys()].filter(id => !this.crashed.has(id))
  }

  add (id: string, contact?: string): void {
    const core = new HyParViewCore({ self: id, config: CONFIG, random: seededRandom(randomInt(this.random, 2 ** 32)), now: this.now })
    this.cores.set(id, core)
    this.linked.set(id, new Set())
    if (contact != null) { this.apply(id, core.join(contact, this.now)) }
  }

  crash (ids: string[]): void {
    for (const id of ids) { this.crashed.add(id) }
    for (const id of this.live) {
      for (const peer of this.core(id).active()) {
        if (this.crashed.has(peer)) { this.schedule({ at: this.now + randomInt(this.random, 200), from: peer, to: id }) }
      }
    }
  }

  run (ms: number): void {
    this.runUntil(() => false, ms)
  }

  /** Runs until `done` holds at a tick; returns the ms that took, or undefined if `ms` passed first. */
  runUntil (done: () => boolean, ms: number): number | undefined {
    const start = this.now
    const end = start + ms
    for (;;) {
      const until = Math.min(this.nextTickAt, end)
      while (this.queue.length > 0 && this.queue[0].at <= until) { this.deliver(this.queue.shift() as Due) }
      if (this.nextTickAt > end) {
        this.now = end
        return undefined
      }
      this.now = this.nextTickAt
      this.nextTickAt += TICK
      for (const id of this.live) { this.apply(id, this.core(id).tick(this.now)) }
      if (done()) { return this.now - start }
    }
  }

  core (id: string): HyParViewCore {
    return this.cores.get(id) as HyParViewCore
  }

  /** Connected components of the live nodes over active links, taken as undirected. */
  components (): number {
    const live = new Set(this.live)
    const neighbours = new Map<string, Set<string>>([...live].map(id => [id, new Set<string>()]))
    for (const id of live) {
      for (const peer of this.core(id).active()) {
        if (!live.has(peer)) { continue }
        neighbours.get(id)?.add(peer)
        neighbours.get(peer)?.add(id)
      }
    }
    const seen = new Set<string>()
    let count = 0
    for (const start of live) {
      if (seen.has(start)) { continue }
      count++
      const stack = [start]
      seen.add(start)
      while (stack.length > 0) {
        for (const next of neighbours.get(stack.pop() as string) ?? []) {
          if (!seen.has(next)) { seen.add(next); stack.push(next) }
        }
      }
    }
    return count
  }

  /** Share of active entries among live nodes whose peer holds the entry back. */
  symmetricShare (): number {
    let links = 0
    let symmetric = 0
    for (const id of this.live) {
      for (const peer of this.core(id).active()) {
        links++
        if (!this.crashed.has(peer) && this.core(peer).isActive(id)) { symmetric++ }
      }
    }
    return links === 0 ? 1 : symmetric / links
  }

  /** Live nodes still holding a crashed peer in their active view. */
  holdingCrashed (): number {
    return this.live.filter(id => this.core(id).active().some(peer => this.crashed.has(peer))).length
  }

  /** Live nodes outside the largest component, but for those with no link and no live peer left to ask. */
  outsideLargest (): string[] {
    const live = new Set(this.live)
    let largest = new Set<string>()
    for (const start of live) {
      if (largest.has(start)) { continue }
      const component = new Set([start])
      for (const id of component) {
        for (const peer of this.core(id).active()) { if (live.has(peer)) { component.add(peer) } }
      }
      if (component.size > largest.size) { largest = component }
    }
    return this.live.filter(id => !largest.has(id) && !this.stranded(id))
  }

  /**
   * No link and nothing live in its passive view: HyParView alone cannot bring this node back, its adapter has to
   * join again through a member it knows from elsewhere.
   */
  stranded (id: string): boolean {
    const core = this.core(id)
    return core.active().length === 0 && core.passive().every(peer => this.crashed.has(peer))
  }

  meanActive (): number {
    const live = this.live
    return live.reduce((sum, id) => sum + this.core(id).active().length, 0) / live.length
  }

  private schedule (due: Omit<Due, 'order'>): void {
    const item = { ...due, order: this.order++ }
    let low = 0
    let high = this.queue.length
    while (low < high) {
      const mid = (low + high) >>> 1
      const other = this.queue[mid]
      if (other.at < item.at || (other.at === item.at && other.order < item.order)) { low = mid + 1 } else { high = mid }
    }
    this.queue.splice(low, 0, item)
  }

  private deliver (due: Due): void {
    this.now = due.at
    if (this.crashed.has(due.to)) { return }
    if (due.bytes == null) {
      this.apply(due.to, this.core(due.to).linkFailed(due.from, this.now))
      return
    }
    if (this.crashed.has(due.from)) { return }
    const message = validateHyParViewMessage(this.codec.decode(due.bytes))
    this.apply(due.to, this.core(due.to).receive(due.from, message, this.now))
  }

  private apply (id: string, out: OverlayOutput): void {
    const linked = this.linked.get(id) as Set<string>
    for (const event of out.events) {
      if (event.type === 'up') { linked.add(event.peer) } else { linked.delete(event.peer) }
      // the adapter's dial to a crashed peer fails
      if (event.type === 'up' && this.crashed.has(event.peer)) { this.schedule({ at: this.now + 100, from: event.peer, to: id }) }
    }
    for (const { to, message } of out.send) {
      if (this.crashed.has(to)) {
        if (this.dialFailures) { this.schedule({ at: this.now + 100, from: to, to: id }) }
        continue
      }
      const key = `${id}>${to}`
      const at = Math.max(this.now + MIN_DELAY + randomInt(this.random, MAX_DELAY - MIN_DELAY + 1), this.lastArrival.get(key) ?? 0)
      this.lastArrival.set(key, at)
      this.schedule({ at, from: id, to, bytes: this.codec.encode(message) })
    }
    this.check(id, linked)
  }

  private check (id: string, linked: Set<string>): void {
    const core = this.core(id)
    const active = core.active()
    const passive = core.passive()
    const problems = [
      active.length > CONFIG.activeViewSize && 'active view over size',
      passive.length > CONFIG.passiveViewSize && 'passive view over size',
      (active.includes(id) || passive.includes(id)) && 'holds itself',
      active.some(peer => passive.includes(peer)) && 'a peer both active and passive',
      (active.length !== linked.size || active.some(peer => !linked.has(peer))) && 'events disagree with the active view'
    ].filter(problem => problem !== false)
    for (const problem of problems) { this.violations.push(`${id} at ${this.now}: ${problem}`) }
  }
}

const ids = (count: number): string[] => Array.from({ length: count }, (_, i) => `n${i}`)

/** `count` nodes, each joining `spacing` ms after the previous one through a random earlier node. */
function formOverlay (seed: number, count: number, spacing: number, options?: { dialFailures?: boolean }): Network {
  const net = new Network(seed, options)
  const random = seededRandom(seed + 1)
  net.add('n0')
  for (let i = 1; i < count; i++) {
    net.run(spacing)
    net.add(`n${i}`, `n${randomInt(random, i)}`)
  }
  return net
}

function expectHealthyOverlay (net: Network): void {
  expect(net.violations, net.tag).to.deep.equal([])
  expect(net.components(), net.tag).to.equal(1)
  expect(net.symmetricShare(), net.tag).to.be.at.least(0.99)
  expect(net.holdingCrashed(), net.tag).to.equal(0)
  for (const id of net.live) {
    const core = net.core(id)
    expect(core.active().length, `${id} ${net.tag}`).to.be.within(1, CONFIG.activeViewSize)
    expect(core.active(), `${id} ${net.tag}`).to.not.include(id)
    expect(core.passive(), `${id} ${net.tag}`).to.not.include(id)
  }
}

describe('overlay/hyparview on a simulated network', () => {
  for (const seed of SEEDS) {
    describe(`seed ${seed}`, () => {
      for (const spacing of [2, 25]) {
        it(`${NODES} nodes joining ${spacing} ms apart form one symmetric component`, () => {
          const net = formOverlay(seed, NODES, spacing)
          net.run(2 * CONFIG.shuffleInterval)
          expectHealthyOverlay(net)
          expect(net.symmetricShare(), net.tag).to.equal(1)
          // repair and promotion fill nearly every slot (the degree sum is even, so not always all)
          expect(net.meanActive(), net.tag).to.be.above(CONFIG.activeViewSize - 0.5)
          // shuffles fill the passive views
          const passive = net.live.reduce((sum, id) => sum + net.core(id).passive().length, 0) / NODES
          expect(passive, net.tag).to.be.above(CONFIG.passiveViewSize / 2)
        })
      }

      for (const dialFailures of [false, true]) {
        it(`survivors of a 50% crash re-form one component (${dialFailures ? 'failed dials reported' : 'timeouts only'})`, () => {
          const net = formOverlay(seed, NODES, 25, { dialFailures })
          net.run(3 * CONFIG.shuffleInterval)
          expectHealthyOverlay(net)
          net.crash(sample(seededRandom(seed + 2), ids(NODES), NODES / 2))
          // an isolated node counts as a component of its own
          const healed = net.runUntil(() => net.holdingCrashed() === 0 && net.components() === 1, 5 * CONFIG.shuffleInterval)
          expect(healed, `not healed after 5 shuffle periods: ${net.components()} components, ${net.tag}`).to.not.equal(undefined)
          // a broken link is repaired at once: the overlay heals within two promote periods, not after shuffles
          expect(healed, net.tag).to.be.at.most(2 * CONFIG.promoteInterval)
          net.run(2 * CONFIG.shuffleInterval)
          expectHealthyOverlay(net)
          expect(net.symmetricShare(), net.tag).to.equal(1)
          expect(net.meanActive(), net.tag).to.be.above(CONFIG.activeViewSize - 0.5)
        })
      }

      it('after an 80% crash, every survivor that knows a live peer rejoins the largest component', () => {
        const net = formOverlay(seed, NODES, 25)
        net.run(2 * CONFIG.shuffleInterval)
        net.crash(sample(seededRandom(seed + 2), ids(NODES), NODES * 0.8))
        const healed = net.runUntil(() => net.holdingCrashed() === 0 && net.outsideLargest().length === 0, 5 * CONFIG.shuffleInterval)
        expect(healed, `${net.outsideLargest().join(', ')} still outside, ${net.tag}`).to.not.equal(undefined)
        expect(net.violations, net.tag).to.deep.equal([])
        // a link may be half made at the instant of the heal, its NEIGHBOR_REPLY on the way: let messages land
        net.run(MAX_DELAY)
        expect(net.symmetricShare(), net.tag).to.equal(1)
      })
    })
  }
})
