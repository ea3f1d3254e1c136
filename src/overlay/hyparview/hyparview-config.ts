// The view sizes, walk lengths and timers of the HyParView core, their defaults, and the check every config passes.
import { SECOND } from '../../config/units.ts'
import { InvalidHyParViewConfigError } from './errors.ts'
import { HYPARVIEW_LIMITS } from './messages.ts'

export interface HyParViewConfig {
  /** most peers in the active view: the open links, and the fanout of a flood over them */
  activeViewSize: number
  /** most peers in the passive view: known ids without a link, the pool repairs draw from */
  passiveViewSize: number
  /** hops a FORWARD_JOIN walks before the node it reaches must link to the newcomer (the paper's ARWL) */
  activeRandomWalkLength: number
  /** the walk's remaining hops at which the node it reaches keeps the newcomer in its passive view (PRWL) */
  passiveRandomWalkLength: number
  /** hops a SHUFFLE walks before the node it reaches answers it */
  shuffleTtl: number
  /** active peers named in a SHUFFLE (the paper's ka) */
  shuffleActiveCount: number
  /** passive peers named in a SHUFFLE (the paper's kp) */
  shufflePassiveCount: number
  /** ms between two SHUFFLEs this node starts */
  shuffleInterval: number
  /** ms between two checks that fill free active slots from the passive view */
  promoteInterval: number
  /** ms a NEIGHBOR request waits for its reply before it counts as rejected; the peer stays in the passive view */
  neighborTimeout: number
  /**
   * ms between two rotations: a node whose active view is full swaps one link for a passive peer, asked with HIGH
   * priority so a full peer takes it too (0: never). Without it, two groups whose views are all full (the halves of
   * a healed partition, the survivors of a mass crash) stay apart, since every LOW request is turned down
   */
  rotateInterval: number
  /**
   * members known from elsewhere (membership) added to the passive view at a promotion that finds a slot free, when
   * the adapter gives a source of them; a rotation then asks one such member (0: neither). They keep a group that
   * bootstrapped among itself from knowing only itself
   */
  membersPerPromotion: number
}

/** What viewSizesFor chooses for a cluster of a given size. */
export type HyParViewSizes = Pick<HyParViewConfig, 'activeViewSize' | 'passiveViewSize'>

/**
 * The paper's values (p. 9) for 10,000 nodes: active log10(n) + 1 = 5, passive 30, walks 6 and 3, shuffle ka 3 and
 * kp 4; partisan ships the same. Timers, which the paper leaves open:
 * - shuffleInterval 10 s: partisan's value; iroh's 60 s is marked a guess and leaves passive views stale for
 * minutes after a mass crash.
 * - promoteInterval 5 s: partisan's random promotion period; a broken link is repaired at once, this only
 * catches what the immediate repair could not fill.
 * - neighborTimeout 1 s: a dial plus a round trip in one region (iroh: 500 ms on one machine).
 * - rotateInterval 2 min: each node swaps one link every two minutes. A swap costs the broadcast tree: the new link
 * is eager until its first duplicate prunes it, and an evicted tree edge leaves its subtree to GRAFT its way back,
 * so the adapter names the links in use and those are evicted last (HyParViewCoreInit.inUse). Measured at 1,000
 * nodes before that rule, payloads per node and broadcast above one (RMR): no rotation 0.014-0.019 mean; 60 s
 * 0.05-0.09; 2 min 0.03-0.04. Without it the halves of a healed partition whose views are all full stay apart; at
 * 2 min they rejoin within a minute of the heal.
 * - membersPerPromotion 2: at 10,000 nodes, one bootstrap in 20 left a closed group of 27 nodes without it.
 */
export const DEFAULT_HYPARVIEW_CONFIG: Readonly<HyParViewConfig> = Object.freeze({
  activeViewSize: 5,
  passiveViewSize: 30,
  activeRandomWalkLength: 6,
  passiveRandomWalkLength: 3,
  shuffleTtl: 6,
  shuffleActiveCount: 3,
  shufflePassiveCount: 4,
  shuffleInterval: 10 * SECOND,
  promoteInterval: 5 * SECOND,
  neighborTimeout: SECOND,
  rotateInterval: 2 * 60 * SECOND,
  membersPerPromotion: 2
})

const MIN_ACTIVE = 4
const MAX_ACTIVE = 6
const PASSIVE = 30

/**
 * View sizes for a cluster of about `clusterSize` nodes: active log10(n) + 1 as in the paper, but at least 4 (with
 * fewer links a small cluster splits after two crashes) and at most 6 (each link is a connection and a flood's
 * redundancy); passive stays 30, which the paper found enough to heal after 80% of 10,000 nodes crashed.
 */
export function viewSizesFor (clusterSize: number): HyParViewSizes {
  const logarithm = clusterSize > 1 ? Math.ceil(Math.log10(clusterSize)) : 0
  return {
    activeViewSize: Math.min(MAX_ACTIVE, Math.max(MIN_ACTIVE, logarithm + 1)),
    passiveViewSize: PASSIVE
  }
}

/**
 * The defaults overlaid with `options`, or InvalidHyParViewConfigError naming every field that cannot work: a
 * count below its minimum, a walk longer than a peer accepts (see HYPARVIEW_LIMITS), or a passive walk length
 * the active walk never reaches.
 */
export function resolveHyParViewConfig (options: Partial<HyParViewConfig> = {}): HyParViewConfig {
  const config: HyParViewConfig = { ...DEFAULT_HYPARVIEW_CONFIG, ...options }
  const problems: Array<[keyof HyParViewConfig, string]> = []
  const atLeast = (field: keyof HyParViewConfig, min: number): void => {
    if (!Number.isInteger(config[field]) || config[field] < min) { problems.push([field, `must be an integer ≥ ${min}`]) }
  }
  atLeast('activeViewSize', 1)
  atLeast('passiveViewSize', 1)
  atLeast('activeRandomWalkLength', 0)
  atLeast('passiveRandomWalkLength', 0)
  atLeast('shuffleTtl', 0)
  atLeast('shuffleActiveCount', 0)
  atLeast('shufflePassiveCount', 0)
  atLeast('membersPerPromotion', 0)
  for (const field of ['shuffleInterval', 'promoteInterval', 'neighborTimeout'] as const) {
    if (!Number.isFinite(config[field]) || config[field] <= 0) { problems.push([field, 'must be a positive number of ms']) }
  }
  for (const field of ['activeRandomWalkLength', 'shuffleTtl'] as const) {
    if (config[field] > HYPARVIEW_LIMITS.ttl) { problems.push([field, `must be at most ${HYPARVIEW_LIMITS.ttl}, or peers reject the walk`]) }
  }
  if (!Number.isFinite(config.rotateInterval) || config.rotateInterval < 0) { problems.push(['rotateInterval', 'must be 0 (off) or a positive number of ms']) }
  if (config.passiveRandomWalkLength > config.activeRandomWalkLength) {
    problems.push(['passiveRandomWalkLength', 'must not exceed activeRandomWalkLength, or no walk ever reaches it'])
  }
  // the SHUFFLE names this node too, and a peer rejects a list longer than the limit
  if (config.shuffleActiveCount + config.shufflePassiveCount + 1 > HYPARVIEW_LIMITS.peers) {
    problems.push(['shufflePassiveCount', `with shuffleActiveCount must name fewer than ${HYPARVIEW_LIMITS.peers} peers`])
  }
  if (problems.length > 0) {
    throw new InvalidHyParViewConfigError(problems.map(([field]) => field), problems.map(([f, p]) => `${f} ${p}`).join('; '))
  }
  return config
}
