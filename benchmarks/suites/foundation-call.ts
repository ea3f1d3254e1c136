// The Foundation subject of the call benchmark: node a calls an echo actor spawned on node b.
import { DEVELOPMENT_DEFAULTS } from '../lib/foundation-configs.ts'
import { remoteActor } from '../lib/foundation-pair.ts'
import { patternedBytes } from '../lib/util.ts'
import type { FoundationConfig } from '../lib/foundation-configs.ts'
import type { CallSubject } from '../lib/latency.ts'

class Echo {
  // the value returned by receive is the reply to a call
  receive (msg: unknown): unknown {
    return msg
  }
}

export async function foundationCallSubject (requestSize: number, config: FoundationConfig = DEVELOPMENT_DEFAULTS): Promise<CallSubject> {
  const { from, ref, close } = await remoteActor('call', Echo, config.init, config.seams)
  const body = patternedBytes(requestSize)
  return {
    name: config.name,
    async call () {
      await from.call(ref, body, { timeout: 1000 })
    },
    close
  }
}
