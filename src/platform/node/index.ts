// The Node.js platform: node:crypto keys, AsyncLocalStorage for trace context, every discovery strategy, HTTP, and
// the process's load measured, and node:zlib's codecs for frames.
import { AsyncLocalStorage } from 'node:async_hooks'
import { createStrategies } from '../../discovery/create-strategies.ts'
import { serveHttp } from '../../observability/http/serve-http.ts'
import { nodeFrameCodecs } from './frame-codecs.ts'
import { nodeLoadProbe } from './load-probe.ts'
import { nodeKeyCrypto } from './node-crypto.ts'
import type { NodePlatform } from '../node-platform.ts'

export function nodePlatform (): NodePlatform {
  return {
    keyCrypto: nodeKeyCrypto(),
    contextStorage: () => new AsyncLocalStorage(),
    strategies: createStrategies,
    serveHttp,
    dialable: true,
    loadProbe: nodeLoadProbe,
    frameCodecs: nodeFrameCodecs
  }
}
