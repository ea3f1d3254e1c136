// Which discovery strategies run, primary first: those `cluster` names, else those `discovery` sets, else the
// profile's; 'auto' detects the platform. Each then gets its defaults from strategy-defaults.ts.
import { STRATEGY_NAMES } from '../discovery/index.ts'
import { detectPlatform } from './auto-detect.ts'
import { ConfigError } from './errors.ts'
import { resolveStrategy } from './strategy-defaults.ts'
import type { DiscoverySettings } from './discovery-schema.ts'
import type { Env } from './env.ts'
import type { ClusterChoice, ResolvedDiscovery } from './index.ts'
import type { Origin, Path } from './layers.ts'
import type { Profile } from './profiles.ts'
import type { StrategyName } from '../discovery/index.ts'

export interface DiscoveryContext {
  /** the validated `cluster` option as a list, if given */
  cluster?: ClusterChoice[]
  /** every strategy's settings from all sources, validated */
  settings: DiscoverySettings
  /** strategies set (and not false) in the config file or in code, in the order they were written */
  named: StrategyName[]
  profile: Profile
  clusterName: string
  listen: string[]
  env: Env
  origin(path: Path): Origin
}

export function resolveDiscovery (context: DiscoveryContext): ResolvedDiscovery {
  const { settings, profile } = context
  const off = new Set(STRATEGY_NAMES.filter(name => settings[name] === false))
  const names: StrategyName[] = []
  const reasons: string[] = []
  let chosenBy: ResolvedDiscovery['chosenBy']

  const auto = (): void => {
    const detection = detectPlatform(context.env, off)
    if (detection.strategy != null) {
      names.push(detection.strategy)
      reasons.push(detection.reason)
    } else if (!profile.autoFallsBackToMdns) {
      throw new ConfigError('cluster', `a strategy to run: ${detection.reason.slice('auto: '.length)}, and the ${profile.name} profile never falls back to mDNS; set cluster or FOUNDATION_CLUSTER`, context.cluster)
    } else if (off.has('mdns')) {
      reasons.push(`${detection.reason}, and discovery.mdns is false: no discovery (connect() still works)`)
    } else {
      names.push('mdns')
      reasons.push(`${detection.reason}, using mdns on the local network`)
    }
  }

  if (context.cluster != null) {
    chosenBy = 'cluster'
    const named = context.cluster.filter(choice => choice !== 'auto')
    if (named.length > 0) { reasons.push(`${context.origin(['cluster']).field} names ${named.join(', ')}`) }
    for (const choice of context.cluster) {
      if (choice === 'auto') {
        chosenBy = 'auto'
        auto()
      } else if (off.has(choice)) {
        const origin = context.origin(['discovery', choice])
        throw new ConfigError(origin.field, `settings or nothing, since cluster names ${choice}`, false, { note: origin.note })
      } else {
        names.push(choice)
      }
    }
  } else if (context.named.length > 0) {
    chosenBy = 'discovery'
    names.push(...context.named)
    reasons.push(`the discovery settings turn on ${context.named.join(', ')}`)
  } else if (profile.discovery === 'auto') {
    chosenBy = 'auto'
    auto()
  } else {
    chosenBy = 'profile'
    if (off.has('mdns')) {
      reasons.push('discovery.mdns is false and no other strategy is set: no discovery (connect() still works)')
    } else {
      names.push('mdns')
      reasons.push(`the ${profile.name} profile's default: mdns on the local network`)
    }
  }

  const unique = [...new Set(names)]
  return { strategies: unique.map(name => resolveStrategy(name, settings[name], context)), chosenBy, reason: reasons.join('; ') }
}
