// Membership for a simulated node: the real SWIM core, ticked by the node's virtual clock, its messages carried by
// the simulated network through the real codec and validator, and its view changes announced as the libp2p
// adapter announces them. Like the node's connector, it dials dead members now and then, so a healed cut rejoins.
import { TypedEventEmitter } from '@libp2p/interface'
import { resolveConfig } from '../membership/config.ts'
import { isActiveStatus } from '../membership/swim/member-table.ts'
import { validateMessage } from '../membership/swim/messages.ts'
import { seededRandom } from '../membership/swim/random.ts'
import { SwimCore } from '../membership/swim/swim-core.ts'
import { Codec } from '../wire/codec.ts'
import type { SimMessaging } from './network.ts'
import type { Member, MembershipEvents, MembershipInit } from '../membership/index.ts'
import type { SwimOutput } from '../membership/swim/swim-core.ts'
import type { Clock, Timer } from '../time/clock.ts'

/** how often a dead member is dialled again, as the connector redials */
const REDIAL_INTERVAL = 2000

const EVENTS = { join: 'member:join', suspect: 'member:suspect', alive: 'member:alive', leave: 'member:leave' } as const

export interface SimMembershipComponents {
  id: string
  clock: Clock
  network: SimMessaging
  /** seeds the core's own randomness */
  seed: number
  /** every view change, for the run's trace */
  trace(line: string): void
}

export class SimMembership extends TypedEventEmitter<MembershipEvents> {
  private readonly components: SimMembershipComponents
  private readonly codec = new Codec()
  private readonly core: SwimCore
  private readonly tickInterval: number
  private running = false
  private tick: Timer | undefined
  private redial: Timer | undefined

  constructor (components: SimMembershipComponents, init: Omit<MembershipInit, 'cluster'> & { cluster?: string }) {
    super()
    this.components = components
    const config = resolveConfig({ cluster: 'sim', ...init })
    this.tickInterval = config.swim.tickInterval
    this.core = new SwimCore({
      self: { id: components.id, name: config.name, roles: config.roles, addresses: [`/sim/${components.id}`] },
      config: config.swim,
      random: seededRandom(components.seed),
      now: components.clock.now()
    })
  }

  self (): Member { return this.core.self() }
  members (): Member[] { return this.core.members() }
  activeMembers (): Member[] { return this.core.members().filter(m => isActiveStatus(m.status)) }
  get (id: string): Member | undefined { return this.core.get(id) }
  isActive (id: string): boolean { return this.core.isActive(id) }

  start (): void {
    const { clock } = this.components
    this.running = true
    this.tick = clock.every(this.tickInterval, () => { this.feed(this.core.tick(clock.now())) })
    this.redial = clock.every(REDIAL_INTERVAL, () => {
      for (const member of this.core.members()) {
        if (member.status === 'dead') { this.feed(this.core.join(member.id, clock.now())) }
      }
    })
  }

  /** Leaves gracefully: the core tells the others, then stops. */
  stop (): void {
    if (!this.running) { return }
    this.feed(this.core.leave(this.components.clock.now()))
    this.halt()
  }

  /** Stops without a word, as a killed process does. */
  halt (): void {
    this.running = false
    this.tick?.cancel()
    this.redial?.cancel()
  }

  join (via: string): void {
    this.feed(this.core.join(via, this.components.clock.now()))
  }

  /** The connection to a member closed under it: it crashed. */
  connectionLost (id: string): void {
    if (this.running) { this.feed(this.core.connectionLost(id, this.components.clock.now())) }
  }

  datagram (from: string, bytes: Uint8Array): void {
    if (!this.running) { return }
    this.feed(this.core.receive(from, validateMessage(this.codec.decode(bytes)), this.components.clock.now()))
  }

  private feed (out: SwimOutput): void {
    const { network, clock, trace } = this.components
    for (const { to, message } of out.send) { network.datagram(to, this.codec.encode(message)) }
    for (const event of out.events) {
      // a simulated link is up as soon as the member is known
      if (event.type === 'join') { this.core.linked(event.member.id, clock.now()) }
      trace(`${this.components.id} ${event.type} ${event.member.id} ${event.member.status} #${event.member.incarnation}`)
      this.safeDispatchEvent(EVENTS[event.type], { detail: event.member })
    }
  }
}
