// The Foundation configurations the node-to-node benchmarks measure side by side, named as in the results.
import type { FoundationInit } from '../../src/index.ts'

/** A Foundation subject: the name it has in the results and the options its nodes start with. */
export interface FoundationConfig {
  name: string
  init: FoundationInit
}

/** What a developer gets without options: the development profile serves HTTP, collects metrics, traces what the user traces. */
export const DEVELOPMENT_DEFAULTS: FoundationConfig = { name: 'Foundation', init: {} }

/** The three observability switches as the production profile sets them, everything else as in development. */
export const OBSERVABILITY_OFF: FoundationConfig = {
  name: 'Foundation, observability off (production defaults)',
  init: { http: { enabled: false }, metrics: { enabled: false }, tracing: { enabled: false } }
}

/** The development defaults with every message starting a trace of its own: what tracing costs at its most. */
export const EVERY_MESSAGE_TRACED: FoundationConfig = {
  name: 'Foundation, every message traced (sampleRate 1)',
  init: { tracing: { enabled: true, sampleRate: 1 } }
}

/** The suite notes that say what each Foundation subject's configuration is. */
export const CONFIG_NOTES = [
  `${DEVELOPMENT_DEFAULTS.name}: the development profile's defaults (what Foundation.start() gives): HTTP endpoint on, Prometheus metrics on (libp2p streams wrapped by @libp2p/prometheus-metrics), tracing on with sampleRate 0 (messages carry and record a trace only inside one the user started, so these carry none)`,
  `${OBSERVABILITY_OFF.name}: the same nodes with http, metrics and tracing disabled, as the production profile sets them; membership timings and the rest stay development's`
]

/** The note of the suites that also measure EVERY_MESSAGE_TRACED. */
export const EVERY_MESSAGE_TRACED_NOTE = `${EVERY_MESSAGE_TRACED.name}: the development defaults with tracing.sampleRate 1: every message starts a trace, a span on each side, a traceparent on the wire`
