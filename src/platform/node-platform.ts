// What a node needs from the platform it runs on, handed to it rather than imported: Node.js on a server or a
// browser tab. Everything else a node runs is the same code on both, and a bundle for a browser reaches none of
// Node's modules.
import type { LoadProbe } from '../cluster/load-sampler.ts'
import type { StrategyChoice, StrategyHosts } from '../discovery/create-strategies.ts'
import type { DiscoveryComponents, DiscoveryStrategy } from '../discovery/index.ts'
import type { KeyCrypto } from '../node/node-keys.ts'
import type { ServeHttp } from '../observability/http/serve-http.ts'
import type { ContextStorage } from '../observability/tracing/context-storage.ts'
import type { TraceContext } from '../observability/tracing/trace-context.ts'
import type { FrameCodec } from '../wire/compression/index.ts'

export interface NodePlatform {
  /** Ed25519 signatures and SHA-256, for membership records, publications and load reports */
  keyCrypto: KeyCrypto
  /** a new store for the current trace context, one per node */
  contextStorage(): ContextStorage<TraceContext>
  /** the discovery strategies the configuration chose */
  strategies(choices: StrategyChoice[], components: DiscoveryComponents, hosts: StrategyHosts): DiscoveryStrategy[]
  /** the HTTP endpoint and dashboard; absent where nothing can listen */
  serveHttp?: ServeHttp
  /**
   * false where nothing can dial this node (a browser tab): it dials every peer at once, rather than wait for the
   * peer of the pair whose turn it is (see pair-dial.ts)
   */
  dialable: boolean
  /** measures the process's cpu, event-loop lag and heap for the load report; absent where nothing is measured */
  loadProbe?(): LoadProbe
  /** the codecs frames may be compressed with, best first; absent: this node sends and reads plain frames only */
  frameCodecs?(): FrameCodec[]
}
