// The Plumtree core without sockets: 500 cores on a fixed random overlay in a seeded driver, plus its rules one by one.
import { expect } from 'aegir/chai'
import { randomInt, seededRandom } from '../../src/membership/swim/random.ts'
import { DEFAULT_PLUMTREE_CONFIG, PLUMTREE_LIMITS, PlumtreeCore, validatePlumtreeMessage } from '../../src/overlay/plumtree/index.ts'
import { Codec } from '../../src/wire/codec.ts'
import { MalformedFrameError } from '../../src/wire/errors.ts'
import type { Random } from '../../src/membership/swim/random.ts'
import type { BroadcastOutput, PlumtreeConfig, PlumtreeMessage } from '../../src/overlay/plumtree/index.ts'

/** PLUMTREE_SEED=n (or a comma-separated list) replays seeds; otherwise each scenario runs on a few fixed ones. */
const SEEDS = process.env.PLUMTREE_SEED != null ? process.env.PLUMTREE_SEED.split(',').map(Number) : [1, 7, 42]
const NODES = 500
const DEGREE = 5
/** a node links to no more than this many, so the overlay stays regular-ish as HyParView's active view is */
const MAX_DEGREE = 7
const TICK_EVERY = 20
/** ms a message may take beyond its link's latency */
const JITTER = 10

/** What the driver needs of a broadcast node, so the flooding baseline runs in the same network. */
interface BroadcastNode {
  broadcast(id: string, payload: unknown, now: number): BroadcastOutput
  receive(from: string, message: PlumtreeMessage, now: number): BroadcastOutput
  tick(now: number): BroadcastOutput
  neighborUp(peer: string, now: number): BroadcastOutput
  neighborDown(peer: string, now: number): BroadcastOutput
}

/** The baseline a tree is measured against: every node pushes every new payload to all its neighbours. */
class FloodingNode implements BroadcastNode {
  private readonly neighbours = new Set<string>()
  private readonly seen = new Set<string>()

  broadcast (id: string, payload: unknown): BroadcastOutput {
    this.seen.add(id)
    return this.forward({ type: 'gossip', id, payload, round: 0, origin: 'n0' }, 0)
  }

  receive (from: string, message: PlumtreeMessage): BroadcastOutput {
    if (message.type !== 'gossip' || this.seen.has(message.id)) { return { send: [], deliver: [] } }
    this.seen.add(message.id)
    return this.forward({ ...message, round: message.round + 1 }, message.round + 1, from)
  }

  tick (): BroadcastOutput { return { send: [], deliver: [] } }
  neighborUp (peer: string): BroadcastOutput { this.neighbours.add(peer); return this.tick() }
  neighborDown (peer: string): BroadcastOutput { this.neighbours.delete(peer); return this.tick() }

  private forward (message: PlumtreeMessage & { type: 'gossip' }, hops: number, except?: string): BroadcastOutput {
    const send = [...this.neighbours].filter(p => p !== except).map(to => ({ to, message }))
    return { send, deliver: [{ id: message.id, payload: message.payload, origin: message.origin, hops }] }
  }
}

/** Per broadcast: who delivered it at which hop, and how many payload messages reached live nodes. */
interface Tally {
  sentAt: number
  deliveries: Map<string, number>
  payloads: number
  /** local time of the last first delivery */
  lastAt: number
}

/** A symmetric random overlay: a random tree (so it is connected), then random links up to DEGREE per node. */
function randomOverlay (random: Random, n: number): Map<string, Set<string>> {
  const links = new Map<string, Set<string>>()
  for (let i = 0; i < n; i++) { links.set(`n${i}`, new Set()) }
  const link = (a: string, b: string): void => { links.get(a)?.add(b); links.get(b)?.add(a) }
  for (let i = 1; i < n; i++) { link(`n${i}`, `n${randomInt(random, i)}`) }
  for (const [a, peers] of links) {
    for (let tries = 0; peers.size < DEGREE && tries < 100; tries++) {
      const b = `n${randomInt(random, n)}`
      if (b !== a && !peers.has(b) && (links.get(b)?.size ?? 0) < MAX_DEGREE) { link(a, b) }
    }
  }
  return links
}

/**
 * A synchronous network on a virtual clock in ms: messages go through the codec and the validator, as on the
 * wire, and arrive after their link's latency (10-90 ms, drawn once per link from the seed) plus up to JITTER ms;
 * every node ticks every TICK_EVERY ms, at an offset of its own.
 */
class Driver {
  readonly random: Random
  readonly links: Map<string, Set<string>>
  readonly nodes = new Map<string, BroadcastNode>()
  readonly crashed = new Set<string>()
  readonly tallies = new Map<string, Tally>()
  now = 0
  private readonly codec = new Codec()
  private readonly latencies = new Map<string, number>()
  private readonly due = new Map<number, Array<{ from: string, to: string, bytes: Uint8Array }>>()
  /** the nodes that tick at each ms of a TICK_EVERY period, so the nodes do not all tick at once */
  private readonly tickGroups: string[][] = Array.from({ length: TICK_EVERY }, () => [])

  /** with this, every message draws its own delay of 10-100 ms, as in iroh's simulator: no path is steadily fastest */
  private readonly perMessageDelay: boolean

  constructor (seed: number, make: (id: string) => BroadcastNode, perMessageDelay = false) {
    this.random = seededRandom(seed)
    this.perMessageDelay = perMessageDelay
    this.links = randomOverlay(this.random, NODES)
    for (const id of this.links.keys()) {
      this.nodes.set(id, make(id))
      this.tickGroups[randomInt(this.random, TICK_EVERY)].push(id)
    }
    for (const [a, peers] of this.links) {
      for (const b of peers) { this.emit(a, this.node(a).neighborUp(b, this.now)) }
    }
  }

  node (id: string): BroadcastNode {
    const node = this.nodes.get(id)
    if (node == null) { throw new Error(`no node ${id}`) }
    return node
  }

  broadcast (from: string, id: string): void {
    this.tallies.set(id, { sentAt: this.now, deliveries: new Map(), payloads: 0, lastAt: this.now })
    this.emit(from, this.node(from).broadcast(id, new TextEncoder().encode(id), this.now))
  }

  /** A crash: its messages are lost from now on and every neighbour's overlay reports the link down. */
  crash (id: string): void {
    this.crashed.add(id)
    for (const peer of this.links.get(id) ?? []) {
      this.emit(peer, this.node(peer).neighborDown(id, this.now))
    }
  }

  run (ms: number): void {
    for (const end = this.now + ms; this.now < end;) {
      this.now++
      for (const m of this.due.get(this.now) ?? []) {
        if (this.crashed.has(m.to)) { continue }
        const message = validatePlumtreeMessage(this.codec.decode(m.bytes))
        if (message.type === 'gossip') { this.tallies.get(message.id)!.payloads++ }
        this.emit(m.to, this.node(m.to).receive(m.from, message, this.now))
      }
      this.due.delete(this.now)
      for (const id of this.tickGroups[this.now % TICK_EVERY]) {
        if (!this.crashed.has(id)) { this.emit(id, this.node(id).tick(this.now)) }
      }
    }
  }

  /** Live nodes reachable from `from` over live links. */
  reachable (from: string): Set<string> {
    const seen = new Set([from])
    for (const id of seen) {
      for (const peer of this.links.get(id) ?? []) {
        if (!this.crashed.has(peer)) { seen.add(peer) }
      }
    }
    return seen
  }

  /** A link's own one-way latency, drawn once: a TCP link's round trip changes little from message to message. */
  private latency (a: string, b: string): number {
    const key = a < b ? `${a}|${b}` : `${b}|${a}`
    let ms = this.latencies.get(key)
    if (ms == null) {
      ms = 10 + randomInt(this.random, 81)
      this.latencies.set(key, ms)
    }
    return ms
  }

  private emit (from: string, out: BroadcastOutput): void {
    for (const d of out.deliver) {
      const tally = this.tallies.get(d.id)
      if (tally == null) { continue }
      // a second delivery of one id would break exactly-once: count it as a hop of -1 so the test sees it
      tally.deliveries.set(from, tally.deliveries.has(from) ? -1 : d.hops)
      tally.lastAt = this.now
    }
    for (const { to, message } of out.send) {
      const at = this.now + (this.perMessageDelay ? 10 + randomInt(this.random, 91) : this.latency(from, to) + randomInt(this.random, JITTER + 1))
      const queue = this.due.get(at) ?? []
      queue.push({ from, to, bytes: this.codec.encode(message) })
      this.due.set(at, queue)
    }
  }
}

/** Relative message redundancy of one broadcast: payloads received per node reached, minus the one it needs. */
function rmr (tally: Tally): number {
  return tally.payloads / (tally.deliveries.size - 1) - 1
}

function lastDeliveryHop (tally: Tally): number {
  return Math.max(...tally.deliveries.values())
}

function plumtreeDriver (seed: number, perMessageDelay = false): Driver {
  return new Driver(seed, id => new PlumtreeCore({ self: id, config: DEFAULT_PLUMTREE_CONFIG, now: 0 }), perMessageDelay)
}

/** ms from the broadcast to the last node's delivery */
function spread (tally: Tally): number {
  return tally.lastAt - tally.sentAt
}

/** Broadcasts `count` messages from n0, one every `every` ms, and lets the last one settle. */
function broadcastMany (driver: Driver, prefix: string, count: number, every = 500): string[] {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    ids.push(`${prefix}-${i}`)
    driver.broadcast('n0', ids[i])
    driver.run(every)
  }
  driver.run(2000)
  return ids
}

/** PLUMTREE_REPORT=1 prints the numbers each scenario measured: reliability, redundancy, depth, spread. */
function report (line: string): void {
  if (process.env.PLUMTREE_REPORT != null) { process.stderr.write(`${line}\n`) }
}

function mean (values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length
}

/** Exactly-once for every id, and (unless given) to all NODES. */
function expectDeliveredOnce (driver: Driver, ids: string[], tag: string, to?: Set<string>): void {
  for (const id of ids) {
    const deliveries = driver.tallies.get(id)!.deliveries
    expect([...deliveries.values()].filter(h => h < 0), `${id} delivered twice, ${tag}`).to.be.empty()
    if (to == null) {
      expect(deliveries.size, `${id} ${tag}`).to.equal(NODES)
    } else {
      expect([...to].filter(node => !deliveries.has(node)), `${id} missed, ${tag}`).to.be.empty()
      expect([...deliveries.keys()].filter(node => !to.has(node)), `${id} reached the dead, ${tag}`).to.be.empty()
    }
  }
}

describe('overlay/plumtree', () => {
  for (const seed of SEEDS) {
    describe(`seed ${seed}`, () => {
      it('stable overlay: every node delivers every broadcast once, and the tree is far below flooding', () => {
        const driver = plumtreeDriver(seed)
        const ids = broadcastMany(driver, 'm', 50)
        expectDeliveredOnce(driver, ids, `seed ${seed}`)
        const warm = ids.slice(10).map(id => driver.tallies.get(id)!)

        const flooding = new Driver(seed, () => new FloodingNode())
        const floods = broadcastMany(flooding, 'f', 3).map(id => flooding.tallies.get(id)!)
        expect(floods.map(t => t.deliveries.size)).to.deep.equal([NODES, NODES, NODES])

        const plumtree = Math.max(...warm.map(rmr))
        const flood = mean(floods.map(rmr))
        report(`      seed ${seed}: reliability 100%, RMR first ${rmr(driver.tallies.get(ids[0])!).toFixed(2)} then max ${plumtree.toFixed(3)} (flooding ${flood.toFixed(2)}), ` +
          `last delivery hop ${Math.max(...warm.map(lastDeliveryHop))} (flooding ${Math.max(...floods.map(lastDeliveryHop))}), ` +
          `spread ${Math.max(...warm.map(spread))} ms (flooding ${Math.max(...floods.map(spread))} ms)`)
        expect(plumtree, `seed ${seed}`).to.be.at.most(0.05)
        // flooding costs every payload about degree - 1 more times: 2|E| / (n - 1) - 2 on this overlay
        expect(flood, `seed ${seed}`).to.be.above(3)
        expect(plumtree).to.be.below(flood / 50)
      })

      it('20% crashed after the tree formed: IHAVE and GRAFT repair it, every connected live node delivers', () => {
        const driver = plumtreeDriver(seed)
        broadcastMany(driver, 'warm', 10)
        const others = [...driver.nodes.keys()].filter(id => id !== 'n0')
        for (let i = 0; i < NODES / 5; i++) {
          driver.crash(others.splice(randomInt(driver.random, others.length), 1)[0])
        }
        const live = driver.reachable('n0')
        const ids = broadcastMany(driver, 'after', 10)
        expectDeliveredOnce(driver, ids, `seed ${seed}`, live)
        const tallies = ids.map(id => driver.tallies.get(id)!)
        report(`      seed ${seed}: ${live.size} live and connected of ${NODES - NODES / 5}, reliability 100%, ` +
          `RMR first ${rmr(tallies[0]).toFixed(3)} last ${rmr(tallies[9]).toFixed(3)}, last delivery hop ${lastDeliveryHop(tallies[0])} then ` +
          `${lastDeliveryHop(tallies[9])}, spread ${spread(tallies[0])} ms then ${spread(tallies[9])} ms`)
        // the first broadcast after the crash is repaired link by link; the tree it leaves carries the next ones
        expect(rmr(tallies[9]), `seed ${seed}`).to.be.at.most(0.05)
      })
    })
  }

  it('delays drawn per message (no path steadily fastest): still exactly once, redundancy stays low', () => {
    const driver = plumtreeDriver(SEEDS[0], true)
    const ids = broadcastMany(driver, 'm', 30)
    expectDeliveredOnce(driver, ids, `seed ${SEEDS[0]}`)
    const warm = ids.slice(10).map(id => driver.tallies.get(id)!)
    report(`      seed ${SEEDS[0]}: RMR mean ${mean(warm.map(rmr)).toFixed(3)} max ${Math.max(...warm.map(rmr)).toFixed(3)}, last delivery hop ${Math.max(...warm.map(lastDeliveryHop))}`)
    // a repair GRAFT fires when a tree path runs ihaveTimeout behind a lazy one, which jitter alone now causes
    expect(mean(warm.map(rmr))).to.be.at.most(0.05)
  })
})

/** One core with neighbours b, c and d, all eager. */
function core (config: Partial<PlumtreeConfig> = {}): PlumtreeCore {
  const a = new PlumtreeCore({ self: 'a', config: { ...DEFAULT_PLUMTREE_CONFIG, ...config }, now: 0 })
  for (const peer of ['b', 'c', 'd']) { a.neighborUp(peer, 0) }
  return a
}

function sent (out: BroadcastOutput): string[] {
  return out.send.map(({ to, message }) => message.type === 'graft' ? `${to}:graft:${message.id ?? '-'}` : `${to}:${message.type}`).sort()
}

function gossip (id: string, round = 0, origin = 'o'): PlumtreeMessage {
  return { type: 'gossip', id, payload: new Uint8Array([1, 2, 3]), round, origin }
}

describe('overlay/plumtree-core', () => {
  const { ihaveTimeout, graftTimeout, cacheTtl, idRetention, ihaveInterval } = DEFAULT_PLUMTREE_CONFIG

  it('a broadcast is delivered here at hop 0 and pushed to every eager neighbour; an id seen before is not sent again', () => {
    const a = core()
    const out = a.broadcast('x', 'hello', 5)
    expect(out.deliver).to.deep.equal([{ id: 'x', payload: 'hello', origin: 'a', hops: 0 }])
    expect(out.send.map(o => o.message)).to.deep.equal(Array(3).fill({ type: 'gossip', id: 'x', payload: 'hello', round: 0, origin: 'a' }))
    expect(a.broadcast('x', 'again', 6)).to.deep.equal({ send: [], deliver: [] })
  })

  it('a new payload is delivered at round + 1 and forwarded with it to every eager neighbour but the sender, who is named', () => {
    const a = core()
    const out = a.receive('b', gossip('x', 4), 0)
    expect(out.deliver).to.deep.equal([{ id: 'x', payload: new Uint8Array([1, 2, 3]), origin: 'o', hops: 5, from: 'b' }])
    expect(out.send.map(o => [o.to, o.message])).to.deep.equal([['c', gossip('x', 5)], ['d', gossip('x', 5)]])
  })

  it('a duplicate payload prunes its sender, which pushes to us no more; we push to it until it prunes us', () => {
    const a = core()
    a.receive('b', gossip('x'), 0)
    const out = a.receive('c', gossip('x'), 1)
    expect(out.deliver).to.be.empty()
    expect(sent(out)).to.deep.equal(['c:prune'])
    expect(a.pushers().sort()).to.deep.equal(['b', 'd'])
    expect(a.eager().sort()).to.deep.equal(['b', 'c', 'd'])
    expect(a.counters().duplicates).to.equal(1)
    // its copies of x still on their way are not pruned again
    expect(sent(a.receive('c', gossip('x'), 2))).to.deep.equal([])

    // c's own PRUNE: from now on it only hears of payloads
    a.receive('c', { type: 'prune' }, 3)
    const next = a.receive('b', gossip('y'), ihaveTimeout + 10)
    expect(sent(next)).to.deep.equal(['d:gossip'])
    expect(a.tick(ihaveTimeout + 10 + ihaveInterval).send).to.deep.equal([{ to: 'c', message: { type: 'ihave', entries: [{ id: 'y', round: 1 }] } }])
  })

  it('a payload from a neighbour it pruned moments ago is a straggler: announced, not pushed, and the parent\'s copy goes on down the tree', () => {
    const a = core()
    a.receive('b', gossip('x'), 0)
    a.receive('c', gossip('x'), 1)
    // c pushed y before our PRUNE reached it: a push would reach our parent b as a duplicate, so b and d only hear of it
    const out = a.receive('c', gossip('y'), 2)
    expect(out.deliver.map(d => d.id)).to.deep.equal(['y'])
    expect(sent(out)).to.deep.equal([])
    expect(sent(a.tick(2 + ihaveInterval))).to.deep.equal(['b:ihave', 'd:ihave'])
    // the parent's copy prunes no one, and is pushed on to the rest of the tree (not back to c, which sent it)
    const parents = a.receive('b', gossip('y'), 3)
    expect(parents.deliver).to.be.empty()
    expect(sent(parents)).to.deep.equal(['d:gossip'])
    expect(a.pushers().sort()).to.deep.equal(['b', 'd'])
    // a payload from c long after the PRUNE means it was asked to push to us again: c is a pusher once more
    a.receive('c', gossip('z'), 1 + ihaveTimeout + 1)
    expect(a.pushers().sort()).to.deep.equal(['b', 'c', 'd'])
  })

  it('a link carries payloads while one crossed it in the last 30 s: a duplicate\'s link does not', () => {
    const a = core()
    a.receive('c', { type: 'prune' }, 0)
    a.receive('b', gossip('x'), 0)
    a.receive('c', gossip('x'), 5)
    // b brought x, d got it pushed; c was only told of it, and its copy was a duplicate
    expect(['b', 'c', 'd'].map(peer => a.carriesPayloads(peer, 10))).to.deep.equal([true, false, true])
    expect(['b', 'c', 'd'].map(peer => a.carriesPayloads(peer, 30_001))).to.deep.equal([false, false, false])
    a.receive('c', { type: 'graft', id: 'x', round: 0 }, 30_002)
    expect(a.carriesPayloads('c', 30_002)).to.equal(true)
  })

  it('a new neighbour is told of the payloads of the last announceOnLinkUp ms', () => {
    const a = core()
    a.receive('b', gossip('old'), 0)
    a.receive('b', gossip('recent', 2), DEFAULT_PLUMTREE_CONFIG.announceOnLinkUp)
    const at = DEFAULT_PLUMTREE_CONFIG.announceOnLinkUp + 1
    expect(a.neighborUp('e', at).send).to.be.empty()
    expect(a.tick(at + ihaveInterval).send).to.deep.equal([{ to: 'e', message: { type: 'ihave', entries: [{ id: 'recent', round: 3 }] } }])
  })

  it('a payload is not pushed to a neighbour that announced it', () => {
    const a = core()
    a.receive('c', { type: 'ihave', entries: [{ id: 'x', round: 0 }] }, 0)
    expect(sent(a.receive('b', gossip('x'), 1))).to.deep.equal(['d:gossip'])
  })

  it('a PRUNE makes the link lazy, and a GRAFT makes it eager again and gets the payload at our round', () => {
    const a = core()
    a.receive('c', { type: 'prune' }, 0)
    expect(a.lazy()).to.deep.equal(['c'])
    a.receive('b', gossip('x', 2), 1)
    const out = a.receive('c', { type: 'graft', id: 'x', round: 3 }, 2)
    expect(out.send).to.deep.equal([{ to: 'c', message: gossip('x', 3) }])
    expect(a.eager()).to.include('c')
    // an unknown id, or one whose payload has expired, only rewires the link
    a.receive('d', { type: 'prune' }, 3)
    expect(a.receive('d', { type: 'graft', id: 'nope', round: 0 }, 4).send).to.be.empty()
    expect(a.eager()).to.include('d')
    a.tick(cacheTtl + 1)
    expect(a.receive('c', { type: 'graft', id: 'x', round: 3 }, cacheTtl + 2).send).to.be.empty()
  })

  it('an IHAVE for a missing message GRAFTs the first announcer after ihaveTimeout, then the next after graftTimeout', () => {
    const a = core()
    a.receive('c', { type: 'prune' }, 0)
    a.receive('d', { type: 'prune' }, 0)
    a.receive('c', { type: 'ihave', entries: [{ id: 'x', round: 1 }] }, 10)
    a.receive('d', { type: 'ihave', entries: [{ id: 'x', round: 2 }] }, 20)
    expect(a.tick(10 + ihaveTimeout - 1).send).to.be.empty()
    expect(a.tick(10 + ihaveTimeout).send).to.deep.equal([{ to: 'c', message: { type: 'graft', id: 'x', round: 1 } }])
    expect(a.pushers()).to.include('c')
    expect(a.tick(10 + ihaveTimeout + graftTimeout - 1).send).to.be.empty()
    expect(sent(a.tick(10 + ihaveTimeout + graftTimeout))).to.deep.equal(['d:graft:x'])
    const out = a.receive('d', gossip('x', 2), 500)
    expect(out.deliver.map(d => d.hops)).to.deep.equal([3])
    expect(a.sizes().missing).to.equal(0)
    expect(a.tick(2000).send).to.be.empty()
  })

  it('a payload that comes in time cancels the GRAFT; a neighbour that leaves is not asked', () => {
    const a = core()
    a.receive('c', { type: 'prune' }, 0)
    a.receive('d', { type: 'prune' }, 0)
    a.receive('c', { type: 'ihave', entries: [{ id: 'x', round: 1 }, { id: 'y', round: 1 }] }, 0)
    a.receive('b', gossip('x', 1), 100)
    a.neighborDown('c', 100)
    expect(a.eager()).to.deep.equal(['b'])
    expect(a.lazy()).to.deep.equal(['d'])
    // d only hears of x, as a lazy neighbour does
    expect(sent(a.tick(ihaveTimeout + graftTimeout))).to.deep.equal(['d:ihave'])
    expect(a.sizes().missing).to.equal(0)
  })

  it('the optimisation: an IHAVE from optimizationThreshold hops closer rewires the tree without asking for the payload', () => {
    const a = core()
    a.receive('c', { type: 'prune' }, 0)
    a.receive('b', gossip('x', 10), 1)
    // 3 + 7 is not below 10: not worth a change
    expect(a.receive('c', { type: 'ihave', entries: [{ id: 'x', round: 3 }] }, 2).send).to.be.empty()
    const out = a.receive('c', { type: 'ihave', entries: [{ id: 'x', round: 2 }] }, 3)
    expect(sent(out)).to.deep.equal(['b:prune', 'c:graft:-'])
    expect(a.pushers().sort()).to.deep.equal(['c', 'd'])
    // and when the IHAVE came first: the payload arrives late from far away, and is not pushed to b, which has it
    a.receive('b', { type: 'ihave', entries: [{ id: 'y', round: 0 }] }, 4)
    expect(sent(a.receive('d', gossip('y', 9), 5))).to.deep.equal(['b:graft:-', 'd:prune'])
    expect(a.pushers().sort()).to.deep.equal(['b', 'c'])
  })

  it('IHAVEs leave batched: one message per lazy neighbour each ihaveInterval, split at maxIhaveIds', () => {
    const a = core({ maxIhaveIds: 3 })
    a.receive('d', { type: 'prune' }, 0)
    for (let i = 0; i < 7; i++) { a.broadcast(`m${i}`, i, 0) }
    const flush = a.tick(0).send
    expect(flush.map(o => o.to)).to.deep.equal(['d', 'd', 'd'])
    expect(flush.map(o => o.message.type === 'ihave' ? o.message.entries.length : 0)).to.deep.equal([3, 3, 1])
    a.broadcast('late', 0, 1)
    expect(a.tick(ihaveInterval - 1).send).to.be.empty()
    expect(a.tick(ihaveInterval).send).to.have.lengthOf(1)
    expect(a.counters().sent).to.include({ gossip: 16, ihave: 4 })
    expect(a.counters().ihaveIds).to.equal(8)
  })

  it('only neighbours shape the tree: a stranger\'s payload is delivered, its other messages ignored', () => {
    const a = core()
    expect(a.receive('z', gossip('x'), 0).deliver).to.have.lengthOf(1)
    expect(a.receive('z', gossip('x'), 1).send).to.be.empty()
    expect(a.receive('z', { type: 'graft', id: 'x', round: 0 }, 2).send).to.be.empty()
    a.receive('z', { type: 'ihave', entries: [{ id: 'q', round: 0 }] }, 3)
    expect(a.sizes().missing).to.equal(0)
    expect([...a.eager(), ...a.lazy()].sort()).to.deep.equal(['b', 'c', 'd'])
  })

  it('memory stays bounded: payloads expire after cacheTtl, ids after idRetention', () => {
    const a = core()
    for (let i = 0; i < 100; i++) { a.receive('b', gossip(`m${i}`), i) }
    expect(a.sizes()).to.include({ received: 100, cached: 100 })
    a.tick(cacheTtl + 99)
    expect(a.sizes()).to.include({ received: 100, cached: 0 })
    a.tick(idRetention + 49)
    expect(a.sizes()).to.include({ received: 50, cached: 0 })
    a.tick(idRetention + 99)
    expect(a.sizes()).to.deep.equal({ received: 0, cached: 0, missing: 0, queuedIhaves: 0 })
  })

  it('rounds stop counting at the wire limit, so a forwarded message stays valid', () => {
    const out = core().receive('b', gossip('x', PLUMTREE_LIMITS.round), 0)
    expect(out.send.map(o => validatePlumtreeMessage(o.message))).to.deep.equal([gossip('x', PLUMTREE_LIMITS.round), gossip('x', PLUMTREE_LIMITS.round)])
  })
})

describe('overlay/plumtree messages', () => {
  it('accepts every message the core sends, and drops unknown fields', () => {
    const messages: PlumtreeMessage[] = [
      gossip('x', 3),
      { type: 'gossip', id: 'x', payload: { any: ['value'] }, round: 0, origin: 'o' },
      { type: 'gossip', id: 'x', payload: null, round: 0, origin: 'o' },
      { type: 'ihave', entries: [{ id: 'x', round: 0 }, { id: 'y', round: 1024 }] },
      { type: 'graft', id: 'x', round: 2 },
      { type: 'graft', round: 2 },
      { type: 'prune' }
    ]
    const codec = new Codec()
    for (const message of messages) {
      expect(validatePlumtreeMessage(codec.decode(codec.encode({ ...message, extra: 1 })))).to.deep.equal(message)
    }
  })

  const longId = 'i'.repeat(PLUMTREE_LIMITS.idLength + 1)
  const entries = (n: number): unknown[] => Array.from({ length: n }, (_, i) => ({ id: `m${i}`, round: 0 }))
  const malformed: Array<[string, unknown, string]> = [
    ['not a map', 'gossip', 'message is not a map'],
    ['bytes', new Uint8Array(3), 'message is not a map'],
    ['an unknown type', { type: 'iwant' }, 'type is not a known message type'],
    ['a gossip without id', { type: 'gossip', payload: 1, round: 0, origin: 'o' }, 'id is not a string'],
    ['an empty id', { type: 'gossip', id: '', payload: 1, round: 0, origin: 'o' }, 'id is empty'],
    ['a long id', { type: 'gossip', id: longId, payload: 1, round: 0, origin: 'o' }, 'id is longer than 128'],
    ['no payload', { type: 'gossip', id: 'x', round: 0, origin: 'o' }, 'payload is missing'],
    ['a negative round', { type: 'gossip', id: 'x', payload: 1, round: -1, origin: 'o' }, 'round is not a non-negative integer'],
    ['a fractional round', { type: 'gossip', id: 'x', payload: 1, round: 1.5, origin: 'o' }, 'round is not a non-negative integer'],
    ['a round as text', { type: 'gossip', id: 'x', payload: 1, round: '1', origin: 'o' }, 'round is not a non-negative integer'],
    ['a huge round', { type: 'gossip', id: 'x', payload: 1, round: 1025, origin: 'o' }, 'round is above 1024'],
    ['no origin', { type: 'gossip', id: 'x', payload: 1, round: 0 }, 'origin is not a string'],
    ['IHAVE entries not a list', { type: 'ihave', entries: 'x' }, 'entries is not a list'],
    ['no IHAVE entries', { type: 'ihave', entries: [] }, 'entries is empty'],
    ['too many IHAVE entries', { type: 'ihave', entries: entries(PLUMTREE_LIMITS.ihaveEntries + 1) }, 'entries has more than 1024'],
    ['an IHAVE entry with a numeric id', { type: 'ihave', entries: [{ id: 7, round: 0 }] }, 'entries[0].id is not a string'],
    ['an IHAVE entry without round', { type: 'ihave', entries: [{ id: 'x', round: 0 }, { id: 'y' }] }, 'entries[1].round'],
    ['a GRAFT without round', { type: 'graft', id: 'x' }, 'round is not a non-negative integer'],
    ['a GRAFT with an empty id', { type: 'graft', id: '', round: 0 }, 'id is empty']
  ]
  for (const [what, value, problem] of malformed) {
    it(`rejects ${what}`, () => {
      expect(() => validatePlumtreeMessage(value)).to.throw(MalformedFrameError, problem)
    })
  }
})
