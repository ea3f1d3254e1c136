// `auto`: which discovery strategy the platform calls for, judged from the environment alone (no network).
import { present } from './env.ts'
import type { Env } from './env.ts'
import type { StrategyName } from '../discovery/index.ts'

interface Sign {
  variable: string
  strategy: StrategyName
  meaning: string
}

/** In order: the first sign present decides. */
export const AUTO_SIGNS: readonly Sign[] = [
  { variable: 'KUBERNETES_SERVICE_HOST', strategy: 'kubernetes', meaning: 'running in a Kubernetes pod' },
  { variable: 'CONSUL_HTTP_ADDR', strategy: 'consul', meaning: 'a Consul agent is configured' },
  { variable: 'ETCD_ENDPOINTS', strategy: 'etcd', meaning: 'an etcd cluster is configured' },
  { variable: 'FOUNDATION_DNS_NAME', strategy: 'dns', meaning: 'peers are listed in DNS' },
  { variable: 'FOUNDATION_PEERS', strategy: 'static', meaning: 'a fixed list of peers is given' }
]

export interface Detection {
  /** undefined: nothing detected */
  strategy?: StrategyName
  reason: string
}

/** The first sign in the environment, skipping strategies turned off with `discovery.<name>: false`. */
export function detectPlatform (env: Env, off: ReadonlySet<StrategyName>): Detection {
  for (const sign of AUTO_SIGNS) {
    if (present(env[sign.variable]) && !off.has(sign.strategy)) {
      return { strategy: sign.strategy, reason: `auto: ${sign.variable} is set (${sign.meaning})` }
    }
  }
  return { reason: `auto: no platform detected (none of ${AUTO_SIGNS.map(s => s.variable).join(', ')} is set)` }
}
