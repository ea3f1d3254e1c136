// Messages to distributed actors by name: handed to the actor when it runs here, parked while it starts, moves or
// waits for failover, passed on to its holder otherwise, with a bound on how often one message is passed on.
import { ActorNotFoundError } from '../actors/errors.ts'
import { DISTRIBUTED_PREFIX } from '../cluster/system-endpoints.ts'
import { AbortError, CallTimeoutError } from '../messaging/errors.ts'
import { Parking } from './parking.ts'
import type { DirectoryEntry } from './entry.ts'
import type { Hosting } from './hosting.ts'
import type { DistMessage } from './wire.ts'
import type { Reply } from '../actors/actor-cell.ts'
import type { Clock } from '../time/clock.ts'

/** a message passed on more often than this is in a loop between nodes whose views disagree */
const MAX_HOPS = 4
/** letters waiting for one actor; past this they are refused, so a stuck name cannot eat memory */
const MAX_PARKED_PER_NAME = 10_000
/** a draining node leaves once it has passed no message on for this long */
const QUIET_PERIOD = 200

export interface DeliveryComponents {
  self: string
  hosting: Pick<Hosting, 'cell' | 'has' | 'isStarting'>
  /** the live entry of a distributed actor of that name */
  live(name: string): DirectoryEntry | undefined
  isActive(member: string): boolean
  send(peer: string, message: DistMessage): void
  call(peer: string, message: DistMessage, timeout: number): Promise<unknown>
  /** counts a message that reached no actor */
  undeliverable(reason: string): void
  clock: Clock
  /** how long a letter may wait for its actor, and a passed-on call for its answer */
  callTimeout: number
}

export interface Letter {
  message: unknown
  reply?: Reply
}

export class Delivery {
  private readonly components: DeliveryComponents
  private readonly parking: Parking
  /** calls this node passed on to an actor's new holder and still waits to answer */
  private forwardsInFlight = 0
  private lastForward = -Infinity

  constructor (components: DeliveryComponents) {
    this.components = components
    this.parking = new Parking({
      timeout: components.callTimeout,
      maxPerName: MAX_PARKED_PER_NAME,
      now: () => components.clock.now(),
      onDropped: (name, letter) => {
        if (letter.reply != null) {
          letter.reply.reject(new ActorNotFoundError(`named "${name}" (not running anywhere within ${components.callTimeout} ms)`))
        } else {
          components.undeliverable(`distributed actor "${name}" was not running anywhere in time`)
        }
      }
    })
  }

  /** Sends a message to a distributed actor by name, from this node. */
  send (name: string, message: unknown): void {
    if (!this.deliver(name, { message }, 0)) { this.components.undeliverable(`no distributed actor named "${name}"`) }
  }

  async call (name: string, message: unknown, timeout: number, signal?: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = this.components.clock.after(timeout, () => { done(); reject(new CallTimeoutError(`${DISTRIBUTED_PREFIX}${name}`, timeout)) })
      const onAbort = (): void => { done(); reject(new AbortError(signal?.reason)) }
      const done = (): void => { timer.cancel(); signal?.removeEventListener('abort', onAbort) }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.deliver(name, {
        message,
        reply: {
          resolve: (value) => { done(); resolve(value) },
          reject: (err) => { done(); reject(err) }
        }
      }, 0)
    })
  }

  /** A message another node passed on; answered when it was a call. */
  async forwarded (name: string, message: unknown, hops: number, answered: boolean): Promise<unknown> {
    if (!answered) {
      if (!this.deliver(name, { message }, hops)) { this.components.undeliverable(`no distributed actor named "${name}"`) }
      return null
    }
    return new Promise((resolve, reject) => { this.deliver(name, { message, reply: { resolve, reject } }, hops) })
  }

  /**
   * Hands a message to the named actor: here when it runs here, parked while it starts, moves or waits for
   * failover, passed on to its holder otherwise. False when no such actor exists.
   */
  deliver (name: string, letter: Letter, hops: number): boolean {
    const { hosting, clock } = this.components
    const cell = hosting.cell(name)
    if (cell != null) {
      cell.deliver(letter.message, letter.reply)
      return true
    }
    const entry = this.components.live(name)
    if (entry == null) {
      letter.reply?.reject(new ActorNotFoundError(`named "${name}"`))
      return false
    }
    if (entry.holder === this.components.self || hosting.isStarting(name) || !this.components.isActive(entry.holder)) {
      this.parking.park(name, { ...letter, hops })
      return true
    }
    if (hops >= MAX_HOPS) {
      letter.reply?.reject(new ActorNotFoundError(`named "${name}" (passed between nodes ${hops} times)`))
      return false
    }
    const forward: DistMessage = ['forward', name, letter.message, hops + 1]
    this.lastForward = clock.now()
    if (letter.reply == null) {
      this.components.send(entry.holder, forward)
    } else {
      const reply = letter.reply
      this.forwardsInFlight++
      this.components.call(entry.holder, forward, this.components.callTimeout)
        .then(reply.resolve, reply.reject)
        .finally(() => { this.forwardsInFlight-- })
    }
    return true
  }

  /** Parked letters go where the name table now says, or keep waiting. */
  flushParked (name: string): void {
    const entry = this.components.live(name)
    if (entry == null) {
      for (const letter of this.parking.take(name)) {
        if (letter.reply != null) { letter.reply.reject(new ActorNotFoundError(`named "${name}"`)) } else { this.components.undeliverable(`no distributed actor named "${name}"`) }
      }
      return
    }
    const { hosting } = this.components
    const ready = hosting.has(name) || (entry.holder !== this.components.self && !hosting.isStarting(name) && this.components.isActive(entry.holder))
    if (!ready) { return }
    for (const letter of this.parking.take(name)) { this.deliver(name, letter, letter.hops) }
  }

  flushAllParked (): void {
    for (const name of this.parking.names()) { this.flushParked(name) }
  }

  /** Drops the letters that waited past their time. */
  expire (): void {
    this.parking.expire()
  }

  dropAll (): void {
    this.parking.dropAll()
  }

  /**
   * Resolves once the calls this node passed on are answered and no message was passed on for a quiet period, or
   * at `until`: a draining node that left first would fail calls that did reach the actor.
   */
  async quiesce (until: number): Promise<void> {
    const { clock } = this.components
    while (clock.now() < until && (this.forwardsInFlight > 0 || clock.now() - this.lastForward < QUIET_PERIOD)) {
      await new Promise<void>(resolve => { clock.after(QUIET_PERIOD / 4, resolve) })
    }
  }
}
