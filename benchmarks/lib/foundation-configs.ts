// The Foundation configurations the node-to-node benchmarks measure side by side, named as in the results.
import { preSharedKey } from '@libp2p/pnet'
import { generateSecret } from '../../src/config/secret.ts'
import { privateNetwork } from '../../src/node/private-network/index.ts'
import { portableXSalsa20 } from '../../src/node/private-network/portable-xsalsa20.ts'
import type { NodeSeams } from '../../src/cluster/start-node.ts'
import type { FoundationInit } from '../../src/index.ts'

/** A Foundation subject: the name it has in the results and the options its nodes start with. */
export interface FoundationConfig {
  name: string
  init: FoundationInit
  /** parts swapped inside the node, to compare an implementation with another */
  seams?: NodeSeams
}

/** What a developer gets without options: the development profile serves HTTP, collects metrics, traces what the user traces. */
export const DEVELOPMENT_DEFAULTS: FoundationConfig = { name: 'Foundation', init: {} }

/** The three observability switches as the production profile sets them, everything else as in development. */
export const OBSERVABILITY_OFF: FoundationConfig = {
  name: 'Foundation, observability off (production defaults)',
  init: { http: { enabled: false }, metrics: { enabled: false }, tracing: { enabled: false } }
}

/** What production runs with: a cluster secret (every connection encrypted with it), observability off. */
export const WITH_SECRET: FoundationConfig = {
  name: 'Foundation, with a cluster secret (production)',
  init: { ...OBSERVABILITY_OFF.init, secret: generateSecret() }
}

/** The same, the secret's encryption done by libp2p's own protector (@libp2p/pnet, a WebAssembly XSalsa20). */
export const SECRET_THROUGH_LIBP2P_PNET: FoundationConfig = {
  name: 'Foundation, with a cluster secret through @libp2p/pnet',
  init: WITH_SECRET.init,
  seams: { protector: (psk) => preSharedKey({ psk }) }
}

/** The same, our protector with its pure JavaScript cipher, as on a platform without a libsodium build. */
export const SECRET_PORTABLE_CIPHER: FoundationConfig = {
  name: 'Foundation, with a cluster secret, JavaScript cipher (@noble/ciphers)',
  init: WITH_SECRET.init,
  seams: { protector: (swarmKey) => privateNetwork({ swarmKey, cipher: portableXSalsa20 }) }
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

/** The note of the suites that also measure the cluster secret. */
export const SECRET_NOTES = [
  `${WITH_SECRET.name}: the observability switches as production sets them, and a cluster secret: every connection is encrypted with it (XSalsa20 in the libp2p pnet wire format, under noise), here by libsodium through sodium-native`,
  `${SECRET_THROUGH_LIBP2P_PNET.name}: the same nodes with libp2p's own protector (a WebAssembly XSalsa20 whose memory is shared by the process), which Foundation used before`,
  `${SECRET_PORTABLE_CIPHER.name}: the same nodes with Foundation's protector on its pure JavaScript cipher, the fallback where sodium-native has no build`
]

/** The note of the suites that also measure EVERY_MESSAGE_TRACED. */
export const EVERY_MESSAGE_TRACED_NOTE = `${EVERY_MESSAGE_TRACED.name}: the development defaults with tracing.sampleRate 1: every message starts a trace, a span on each side, a traceparent on the wire`
