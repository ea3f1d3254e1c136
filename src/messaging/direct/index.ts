// The direct protocol: sends, calls and one-node publishes between nodes, over one coalesced stream per peer.
export type { DirectMessagingComponents, DirectMessagingInit, DirectMessagingStats, KindCounts, LocalDelivery } from './direct-messaging.ts'
export type { CallObserver, CallOptions, CallOutcome } from './pending-calls.ts'
export type { Envelope } from './envelope.ts'
export type { WireError } from './wire-error.ts'
