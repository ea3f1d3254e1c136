// The channels messaging.channels configures on this node: found by name, started and stopped together, and told when
// a member joins or leaves.
import { systemClock } from '../../time/clock.ts'
import { ChannelPriorities } from './channel-priority.ts'
import { ChannelPubSub } from './channel-pubsub.ts'
import { ChannelUnknownError } from './errors.ts'
import { OtherMembers } from './other-members.ts'
import type { Channel, ChannelConfig, NamedChannelStats } from './index.ts'
import type { ChannelMembership } from './other-members.ts'
import type { MembershipEvents } from '../../membership/index.ts'
import type { Host } from '../../node/create-host.ts'
import type { DialYield } from '../../node/pair-dial.ts'
import type { Clock } from '../../time/clock.ts'
import type { FrameCompression } from '../../wire/compression/index.ts'
import type { ComponentLogger, Startable, TypedEventTarget } from '@libp2p/interface'

export interface ChannelServiceComponents {
  host: Host
  logger: ComponentLogger
  membership: ChannelMembership & Pick<TypedEventTarget<MembershipEvents>, 'addEventListener' | 'removeEventListener'>
  /** how long the higher id of a pair waits for the other's dial (see pair-dial.ts) */
  dialYield?: DialYield
  /** timers of the retries (default the system clock) */
  clock?: Clock
  /** the node's compression: each channel takes its codecs, threshold and counters, with the channel's own mode */
  compression?: FrameCompression
}

export interface ChannelServiceInit {
  cluster: string
  maxMessageSize: number
  /** each channel's settings, by name */
  channels: Record<string, ChannelConfig>
}

export class ChannelService implements Startable {
  private readonly components: ChannelServiceComponents
  private readonly channels = new Map<string, ChannelPubSub>()
  private readonly members: OtherMembers
  private readonly priorities: ChannelPriorities
  private started = false
  private readonly onJoin = (): void => { this.members.changed() }
  private readonly onLeave = (evt: CustomEvent<{ id: string }>): void => {
    this.members.changed()
    for (const channel of this.channels.values()) { channel.memberLeft(evt.detail.id) }
    this.priorities.forget(evt.detail.id)
  }

  constructor (components: ChannelServiceComponents, init: ChannelServiceInit) {
    this.components = components
    const self = components.host.peerId.toString()
    this.members = new OtherMembers(components.membership, self)
    const clock = components.clock ?? systemClock()
    this.priorities = new ChannelPriorities(clock, Object.values(init.channels).map(config => config.priority))
    const log = components.logger.forComponent('foundation:channels')
    for (const [name, config] of Object.entries(init.channels)) {
      this.channels.set(name, new ChannelPubSub({
        host: components.host,
        log,
        clock,
        dialYield: components.dialYield,
        recipients: () => this.members.ids(),
        compression: components.compression?.withMode(config.compression),
        priority: this.priorities.of(config.priority)
      }, { cluster: init.cluster, name, config, maxMessageSize: init.maxMessageSize }))
    }
  }

  /** The channel of that name; ChannelUnknownError, listing the configured ones, for any other. */
  get (name: string): Channel {
    const channel = this.channels.get(name)
    if (channel === undefined) { throw new ChannelUnknownError(name, [...this.channels.keys()]) }
    return channel
  }

  /** Each channel with its counters here, for the metrics. */
  stats (): NamedChannelStats[] {
    return [...this.channels.values()].map(channel => ({ name: channel.name, stats: channel.stats() }))
  }

  async start (): Promise<void> {
    if (this.started) { return }
    this.started = true
    const { membership } = this.components
    membership.addEventListener('member:join', this.onJoin)
    membership.addEventListener('member:leave', this.onLeave)
    await Promise.all([...this.channels.values()].map(async channel => { await channel.start() }))
  }

  async stop (): Promise<void> {
    if (!this.started) { return }
    this.started = false
    const { membership } = this.components
    membership.removeEventListener('member:join', this.onJoin)
    membership.removeEventListener('member:leave', this.onLeave)
    await Promise.all([...this.channels.values()].map(async channel => { await channel.stop() }))
  }
}
