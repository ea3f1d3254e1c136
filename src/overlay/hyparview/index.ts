// HyParView membership overlay: the sans-IO core, its configuration and its wire messages.
export { HyParViewCore } from './hyparview-core.ts'
export type { HyParViewCoreInit } from './hyparview-core.ts'
export { DEFAULT_HYPARVIEW_CONFIG, resolveHyParViewConfig, viewSizesFor } from './hyparview-config.ts'
export type { HyParViewConfig, HyParViewSizes } from './hyparview-config.ts'
export { InvalidHyParViewConfigError } from './errors.ts'
export { HYPARVIEW_LIMITS, validateHyParViewMessage } from './messages.ts'
export type {
  DisconnectMessage,
  ForwardJoinMessage,
  HyParViewMessage,
  HyParViewMessageType,
  HyParViewOutbound,
  JoinMessage,
  NeighborMessage,
  NeighborPriority,
  NeighborReplyMessage,
  ShuffleMessage,
  ShuffleReplyMessage
} from './messages.ts'
export type { OverlayEvent, OverlayOutput } from './outbox.ts'
export type { Random } from '../../membership/swim/random.ts'
