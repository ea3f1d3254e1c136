// The overlay that switches shape with the cluster's size: HyParView and the client-server core side by side.
export { coreOf, DEFAULT_REJOIN_AFTER, DEFAULT_SWITCH_GRACE, SwitchingOverlay } from './switching-overlay.ts'
export type { OverlayCoreName, SwitchingMessage, SwitchingOutput, SwitchingOverlayInit } from './switching-overlay.ts'
