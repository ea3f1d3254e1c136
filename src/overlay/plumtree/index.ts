// Plumtree epidemic broadcast trees: the sans-IO core, its configuration and its wire messages.
export { PlumtreeCore } from './plumtree-core.ts'
export type { PlumtreeCoreInit, PlumtreeSizes } from './plumtree-core.ts'
export { DEFAULT_PLUMTREE_CONFIG } from './plumtree-config.ts'
export type { PlumtreeConfig } from './plumtree-config.ts'
export { PLUMTREE_LIMITS, validatePlumtreeMessage } from './messages.ts'
export type {
  GossipMessage,
  GraftMessage,
  IHaveEntry,
  IHaveMessage,
  PlumtreeMessage,
  PlumtreeMessageType,
  PlumtreeOutbound,
  PlumtreePayload,
  PruneMessage
} from './messages.ts'
export type { BroadcastOutput, Delivery, MessageCounts, PlumtreeCounters } from './outbox.ts'
