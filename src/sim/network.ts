// The network of a simulated cluster: messages between nodes arrive after a seeded delay, in order between any
// two nodes (as on one connection), through the real codec. A cut link drops what crosses it, so calls across it
// time out; a crashed node's connections are gone, so calls to it fail with NodeDownError, as over libp2p.
import { randomInt } from '../membership/swim/random.ts'
import { AbortError, CallTimeoutError, NodeDownError } from '../messaging/errors.ts'
import { Codec } from '../wire/codec.ts'
import type { Scheduler } from './scheduler.ts'
import type { SystemEndpoints } from '../cluster/system-endpoints.ts'

export interface SimNetworkInit {
  /** one-way delay range in ms (default 1 to 5) */
  latency?: [number, number]
}

/** What the network needs of a node: whether it runs, and where its messages go. */
export interface SimHost {
  readonly id: string
  readonly up: boolean
  readonly endpoints: SystemEndpoints
  /** a membership datagram */
  datagram(from: string, bytes: Uint8Array): void
}

/** How one node sends: the shape of the node's direct messaging, for the parts that use it. */
export interface SimMessaging {
  send(node: string, target: string, body: unknown): void
  call(node: string, target: string, body: unknown, options: { timeout: number, signal?: AbortSignal }): Promise<unknown>
  datagram(node: string, bytes: Uint8Array): void
}

export class SimNetwork {
  private readonly scheduler: Scheduler
  private readonly latency: [number, number]
  private readonly codec = new Codec()
  private readonly hosts = new Map<string, SimHost>()
  /** when the last message from one node to another arrives: later ones may not overtake it */
  private readonly lastArrival = new Map<string, number>()
  /** link (from, to) carries messages only when this holds; replace it to cut links */
  link: (from: string, to: string) => boolean = () => true
  /** calls made, by the endpoint they were made to ('$names', '$dist', ...) */
  readonly calls = new Map<string, number>()
  /** one-way sends made, by the endpoint they were sent to */
  readonly sends = new Map<string, number>()
  /** messages delivered, and dropped on a cut link or to a node that is down */
  delivered = 0
  dropped = 0

  constructor (scheduler: Scheduler, init: SimNetworkInit = {}) {
    this.scheduler = scheduler
    this.latency = init.latency ?? [1, 5]
  }

  attach (host: SimHost): void {
    this.hosts.set(host.id, host)
  }

  /** Cuts every link between the two groups, both ways; other cuts stay. */
  partition (a: readonly string[], b: readonly string[]): void {
    const left = new Set(a)
    const right = new Set(b)
    const previous = this.link
    this.link = (from, to) => !((left.has(from) && right.has(to)) || (right.has(from) && left.has(to))) && previous(from, to)
  }

  /** Restores every link. */
  heal (): void {
    this.link = () => true
  }

  /** The messaging of one node. */
  messagingOf (from: string): SimMessaging {
    return {
      send: (node, target, body) => {
        this.sends.set(target, (this.sends.get(target) ?? 0) + 1)
        const bytes = this.codec.encode(body)
        this.carry(from, node, (to) => { to.endpoints.find(target)?.send?.(target, this.codec.decode(bytes), from) })
      },
      call: async (node, target, body, options) => this.call(from, node, target, body, options),
      datagram: (node, bytes) => {
        this.carry(from, node, (to) => { to.datagram(from, bytes) })
      }
    }
  }

  private async call (from: string, node: string, target: string, body: unknown, options: { timeout: number, signal?: AbortSignal }): Promise<unknown> {
    options.signal?.throwIfAborted()
    this.calls.set(target, (this.calls.get(target) ?? 0) + 1)
    const bytes = this.codec.encode(body)
    return new Promise((resolve, reject) => {
      let settled = false
      const finish = (outcome: () => void): void => {
        if (settled) { return }
        settled = true
        timer.cancel()
        options.signal?.removeEventListener('abort', onAbort)
        outcome()
      }
      const onAbort = (): void => { finish(() => { reject(new AbortError(options.signal?.reason)) }) }
      const timer = this.scheduler.after(options.timeout, () => { finish(() => { reject(new CallTimeoutError(`${node}/${target}`, options.timeout)) }) })
      options.signal?.addEventListener('abort', onAbort, { once: true })
      const answer = (outcome: { value: unknown } | { error: Error }): void => {
        const encoded = 'value' in outcome ? this.codec.encode(outcome.value ?? null) : undefined
        this.carry(node, from, () => {
          finish(() => { if (encoded != null) { resolve(this.codec.decode(encoded)) } else { reject((outcome as { error: Error }).error) } })
        })
      }
      const delivered = this.carry(from, node, (to) => {
        const endpoint = to.endpoints.find(target)
        if (endpoint?.call == null) {
          answer({ error: new Error(`no endpoint ${target} on ${node}`) })
          return
        }
        endpoint.call(target, this.codec.decode(bytes), from).then(value => { answer({ value }) }, (error: Error) => { answer({ error }) })
      })
      // a node that is down has no connection left: the caller hears so after one trip, as when a dial fails
      if (!delivered) { this.scheduler.after(this.delay(from, node), () => { finish(() => { reject(new NodeDownError(node)) }) }) }
    })
  }

  /**
   * Schedules `arrive` at the destination after a delay, if the link carries it then; false when the destination
   * is down or unknown now.
   */
  private carry (from: string, to: string, arrive: (host: SimHost) => void): boolean {
    const destination = this.hosts.get(to)
    if (destination?.up !== true) {
      this.dropped++
      return false
    }
    const pair = `${from}>${to}`
    const at = Math.max(this.scheduler.now + this.delay(from, to), this.lastArrival.get(pair) ?? 0)
    this.lastArrival.set(pair, at)
    this.scheduler.after(at - this.scheduler.now, () => {
      const host = this.hosts.get(to)
      const sender = this.hosts.get(from)
      if (host?.up !== true || sender?.up !== true || !this.link(from, to)) {
        this.dropped++
        return
      }
      this.delivered++
      arrive(host)
    })
    return true
  }

  private delay (from: string, to: string): number {
    if (from === to) { return 0 }
    const [min, max] = this.latency
    return min + randomInt(this.scheduler.random, max - min + 1)
  }
}
