// Errors of named channels, named so callers can branch on `.name`.

/** `cluster.channel(name)` named a channel this node was not configured with. */
export class ChannelUnknownError extends Error {
  static readonly name = 'ChannelUnknownError'
  readonly channel: string
  /** the channels messaging.channels configures on this node */
  readonly configured: string[]

  constructor (channel: string, configured: string[]) {
    const known = configured.length > 0 ? configured.map(n => JSON.stringify(n)).join(', ') : 'none'
    super(`no channel ${JSON.stringify(channel)}: messaging.channels configures ${known} (and "default" is cluster.pubsub)`)
    this.name = 'ChannelUnknownError'
    this.channel = channel
    this.configured = configured
  }
}

/** A publish on a latest-wins channel without the `key` that says which earlier value it replaces. */
export class ChannelKeyRequiredError extends Error {
  static readonly name = 'ChannelKeyRequiredError'
  readonly channel: string
  readonly topic: string

  constructor (channel: string, topic: string) {
    super(`channel ${JSON.stringify(channel)} keeps the latest value per key: a publish on ${JSON.stringify(topic)} needs options.key`)
    this.name = 'ChannelKeyRequiredError'
    this.channel = channel
    this.topic = topic
  }
}
