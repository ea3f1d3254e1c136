// The Foundation configurations the node-to-node benchmarks measure side by side, named as in the results.
import type { FoundationInit } from '../../src/index.ts'

/** A Foundation subject: the name it has in the results and the options its nodes start with. */
export interface FoundationConfig {
  name: string
  init: FoundationInit
}

/** What a developer gets without options: the development profile serves HTTP, collects metrics, traces every message. */
export const DEVELOPMENT_DEFAULTS: FoundationConfig = { name: 'Foundation', init: {} }

/** The three observability switches as the production profile sets them, everything else as in development. */
export const OBSERVABILITY_OFF: FoundationConfig = {
  name: 'Foundation, observability off (production defaults)',
  init: { http: { enabled: false }, metrics: { enabled: false }, tracing: { enabled: false } }
}

/** The suite notes that say what each Foundation subject's configuration is. */
export const CONFIG_NOTES = [
  `${DEVELOPMENT_DEFAULTS.name}: the development profile's defaults (what Foundation.start() gives): HTTP endpoint on, Prometheus metrics on (libp2p streams wrapped by @libp2p/prometheus-metrics), tracing on with sampleRate 1 (a span per message on each side, a traceparent on the wire)`,
  `${OBSERVABILITY_OFF.name}: the same nodes with http, metrics and tracing disabled, as the production profile sets them; membership timings and the rest stay development's`
]
