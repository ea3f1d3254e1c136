// Messaging between nodes: direct sends and calls to actors (direct/), and topics published to the cluster (pubsub/).
export { AbortError, CallTimeoutError, MessageTooLargeError, NodeDownError, PeerOverloadedError, PubSubNotRunningError } from './errors.ts'
export type { CallOptions, DirectMessagingStats } from './direct/index.ts'
export type { PublicationMeta, PublishOptions, PubSub, Subscription, SubscriptionHandler } from './pubsub/index.ts'
