// A deterministic network for SWIM cores: virtual time, seeded randomness, and delivery the test controls.
import { validateMessage } from '../../src/membership/swim/messages.ts'
import { seededRandom, randomInt } from '../../src/membership/swim/random.ts'
import { SwimCore } from '../../src/membership/swim/swim-core.ts'
import { Codec } from '../../src/wire/codec.ts'
import type { Member, MemberStatus } from '../../src/membership/index.ts'
import type { Random } from '../../src/membership/swim/random.ts'
import type { SwimConfig, SwimEvent, SwimOutput } from '../../src/membership/swim/swim-core.ts'

/** The development profile's timing, and the adapter's tick for it. */
export const TEST_CONFIG: SwimConfig = {
  probeInterval: 1000,
  probeTimeout: 250,
  suspectTimeout: 1000,
  browserLease: 30_000,
  suspicionMaxMult: 6,
  indirectProbes: 3,
  localHealthMax: 8,
  joinGrace: 0,
  linkSettle: 0,
  tickInterval: 50,
  tombstoneTimeout: 60_000,
  syncInterval: 30_000,
  gossipInterval: 200,
  gossipFanout: 3,
  retransmitMult: 3,
  maxPiggyback: 20,
  strangerProbeEvery: 0
}

export interface SimNode {
  id: string
  core: SwimCore
  events: Array<SwimEvent & { at: number }>
  /** a node that is down neither ticks nor receives, and messages to it are lost */
  up: boolean
  /**
   * When the node next runs. Until then it neither ticks nor reads, and messages to it wait, as on a blocked
   * event loop whose socket buffers fill; when it resumes it ticks before it reads, as Node runs timers before I/O.
   */
  nextRunAt: number
  /** a slow node runs only every so often, drawn from this range of ms; undefined runs at every step */
  runEvery?: [number, number]
}

interface InFlight {
  at: number
  order: number
  from: string
  to: string
  bytes: Uint8Array
}

export interface SimulatorOptions {
  seed: number
  config?: Partial<SwimConfig>
  /** ms between two rounds of ticks */
  step?: number
  /** one-way delay range in ms, drawn from the seeded generator */
  latency?: [number, number]
  /** one-way delay of one message in ms, instead of `latency`; draw from `random` so runs replay */
  delay?(from: string, to: string, random: Random): number
}

export class Simulator {
  readonly seed: number
  readonly config: SwimConfig
  readonly nodes = new Map<string, SimNode>()
  now = 0
  /** messages are delivered only when this returns true; replace it to cut links or build a topology */
  link: (from: string, to: string) => boolean = () => true
  /** nodes whose messages, in and out, are all dropped */
  readonly silenced = new Set<string>()
  /** one-way delay of one message in ms, instead of the latency range; draw from `random` so runs replay */
  delay?: (from: string, to: string, random: Random) => number
  delivered = 0
  private readonly random: Random
  private readonly step: number
  private readonly latency: [number, number]
  private readonly codec = new Codec()
  private inflight: InFlight[] = []
  private order = 0

  constructor (options: SimulatorOptions) {
    this.seed = options.seed
    this.random = seededRandom(options.seed)
    this.config = { ...TEST_CONFIG, ...options.config }
    this.step = options.step ?? 5
    this.latency = options.latency ?? [1, 4]
    this.delay = options.delay
  }

  /** Text for assertion messages, so a failure can be replayed with SWIM_SEED. */
  get tag (): string {
    return `seed ${this.seed} at t=${this.now} ms`
  }

  addNode (id: string, roles: string[] = []): SimNode {
    const core = new SwimCore({
      self: { id, name: `name-${id}`, roles, addresses: [`/memory/${id}`] },
      config: this.config,
      random: seededRandom(randomInt(this.random, 2 ** 32)),
      now: this.now
    })
    const node: SimNode = { id, core, events: [], up: true, nextRunAt: this.now }
    this.nodes.set(id, node)
    return node
  }

  node (id: string): SimNode {
    const node = this.nodes.get(id)
    if (node == null) { throw new Error(`no node ${id}`) }
    return node
  }

  /** Feeds the output of a core call made by a test back into the network. */
  emit (from: string, out: SwimOutput): void {
    const node = this.node(from)
    for (const event of out.events) { node.events.push({ ...event, at: this.now }) }
    for (const { to, message } of out.send) {
      const [min, max] = this.latency
      this.inflight.push({
        at: this.now + (this.delay?.(from, to, this.random) ?? min + randomInt(this.random, max - min + 1)),
        order: this.order++,
        from,
        to,
        // through the real codec and validator, as on the wire
        bytes: this.codec.encode(message)
      })
    }
  }

  /** Blocks a node's event loop for `ms`: it neither ticks nor reads until then. */
  pause (id: string, ms: number): void {
    this.node(id).nextRunAt = this.now + ms
  }

  join (id: string, via: string): void {
    this.emit(id, this.node(id).core.join(via, this.now))
  }

  leave (id: string): void {
    this.emit(id, this.node(id).core.leave(this.now))
  }

  run (ms: number): void {
    const end = this.now + ms
    while (this.now < end) { this.advance() }
  }

  /** Runs until the predicate holds; returns false if `ms` passed first. */
  runUntil (predicate: () => boolean, ms: number): boolean {
    const end = this.now + ms
    while (this.now < end) {
      if (predicate()) { return true }
      this.advance()
    }
    return predicate()
  }

  private advance (): void {
    const previous = this.now
    this.now += this.step
    const running = new Set<SimNode>()
    for (const node of this.nodes.values()) {
      if (!node.up || this.now < node.nextRunAt) { continue }
      running.add(node)
      // a node that missed steps resumes with its timers, before it reads what queued up meanwhile
      if (node.nextRunAt > previous) { this.emit(node.id, node.core.tick(this.now)) }
    }
    this.deliverDue(running)
    for (const node of running) {
      if (node.nextRunAt <= previous) { this.emit(node.id, node.core.tick(this.now)) }
      node.nextRunAt = node.runEvery == null
        ? this.now
        : this.now + node.runEvery[0] + randomInt(this.random, node.runEvery[1] - node.runEvery[0] + 1)
    }
  }

  /** Delivers due messages to nodes that run now; messages for a node that does not run wait for it. */
  private deliverDue (running: Set<SimNode>): void {
    const due: InFlight[] = []
    const waiting: InFlight[] = []
    for (const m of this.inflight) {
      const to = this.nodes.get(m.to)
      if (m.at > this.now || (to?.up === true && !running.has(to))) {
        waiting.push(m)
      } else {
        due.push(m)
      }
    }
    if (due.length === 0) { return }
    this.inflight = waiting
    due.sort((a, b) => a.at - b.at || a.order - b.order)
    for (const m of due) {
      const to = this.nodes.get(m.to)
      if (to?.up !== true || this.silenced.has(m.from) || this.silenced.has(m.to) || !this.link(m.from, m.to)) { continue }
      this.delivered++
      this.emit(to.id, to.core.receive(m.from, validateMessage(this.codec.decode(m.bytes)), this.now))
    }
  }

  /** The status `observer` holds for `subject`, undefined if it does not know it. */
  statusAt (observer: string, subject: string): MemberStatus | undefined {
    return this.node(observer).core.get(subject)?.status
  }

  /** Every up node other than `subject` (and those in `except`) holds `status` for it. */
  allSee (subject: string, status: MemberStatus, except: string[] = []): boolean {
    for (const node of this.nodes.values()) {
      if (!node.up || node.id === subject || except.includes(node.id)) { continue }
      if (this.statusAt(node.id, subject) !== status) { return false }
    }
    return true
  }

  /** Some up node other than `subject` holds `status` for it. */
  someSee (subject: string, status: MemberStatus): boolean {
    return [...this.nodes.values()].some(node => node.up && node.id !== subject && this.statusAt(node.id, subject) === status)
  }

  /** Every up node sees every up node alive. */
  converged (): boolean {
    const up = [...this.nodes.values()].filter(n => n.up)
    return up.every(observer => up.every(subject => observer.core.get(subject.id)?.status === 'alive'))
  }

  viewOf (id: string): Member[] {
    return this.node(id).core.members()
  }

  /** One line per node of who it holds in which status, for failure messages. */
  describe (): string {
    const lines = [this.tag]
    for (const node of this.nodes.values()) {
      const view = node.core.members().map(m => `${m.id}:${m.status[0]}${m.incarnation}`).join(' ')
      lines.push(`${node.id}${node.up ? '' : ' (down)'}: ${view}`)
    }
    return lines.join('\n')
  }
}
