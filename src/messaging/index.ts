// Messaging between nodes: direct sends and calls to actors (direct/), topics published to the cluster (pubsub/), and
// named channels of topics on streams of their own (channels/).
export { AbortError, CallTimeoutError, MessageTooLargeError, NodeDownError, PeerOverloadedError, PubSubNotRunningError } from './errors.ts'
export type { CallOptions, DirectMessagingStats } from './direct/index.ts'
export type { PublicationMeta, PublishOptions, PubSub, Subscription, SubscriptionHandler } from './pubsub/index.ts'
export type { Channel, ChannelInit, ChannelStats } from './channels/index.ts'
export { ChannelKeyRequiredError, ChannelUnknownError } from './channels/errors.ts'
