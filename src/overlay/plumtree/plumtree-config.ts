// The timing and size knobs of the Plumtree core, with defaults chosen for a cluster within one region.
import { SECOND } from '../../config/units.ts'

/**
 * The paper sets no timer values ("static, from diameter and target recovery latency"); the defaults follow
 * iroh-gossip and episub, stretched from one machine to one region, where a round trip takes tens of ms.
 */
export interface PlumtreeConfig {
  /**
   * ms at least between two IHAVE flushes; announcements queued meanwhile share one message per lazy neighbour.
   * Default 50 ms, between iroh's 5 ms and episub's 100 ms: an IHAVE only matters once a tree link has failed, so
   * batching delays repair, never delivery on a healthy tree.
   */
  ihaveInterval: number
  /**
   * ms to wait for a payload after its first IHAVE before GRAFTing the announcer. Default 300 ms, a few round trips
   * (iroh: 80 ms): shorter, and a payload still on its way down a deep tree is pulled over a lazy link as well,
   * which costs a duplicate and a PRUNE.
   */
  ihaveTimeout: number
  /**
   * ms to wait for the payload after a GRAFT before asking the next announcer. Default 150 ms, one round trip for
   * the GRAFT and its answer, plus slack (iroh: 40 ms).
   */
  graftTimeout: number
  /**
   * hops an IHAVE's path must save over the payload's path before the tree is rewired to it. Default 7, the
   * paper's value (p. 12): lower rewires the tree at every jitter.
   */
  optimizationThreshold: number
  /** ms a payload is kept to answer GRAFTs; a GRAFT after that gets nothing. Default 30 s, as iroh. */
  cacheTtl: number
  /**
   * ms of payloads a new neighbour is told of (IHAVE) when its link comes up, so a node whose links changed while
   * one went by still asks for it. Default 5 s; at most cacheTtl is useful.
   */
  announceOnLinkUp: number
  /**
   * ms a message id is remembered, longer than payloads: an IHAVE that comes after its payload has expired must
   * not make an old message look new and be delivered twice. Default 90 s, as iroh.
   */
  idRetention: number
  /**
   * most ids one IHAVE message carries; more go in further messages of the same flush. Default 256: at up to 128
   * characters an id, one IHAVE stays under ~40 KiB. At most PLUMTREE_LIMITS.ihaveEntries, which peers accept.
   */
  maxIhaveIds: number
}

export const DEFAULT_PLUMTREE_CONFIG: Readonly<PlumtreeConfig> = Object.freeze({
  ihaveInterval: 50,
  ihaveTimeout: 300,
  graftTimeout: 150,
  optimizationThreshold: 7,
  cacheTtl: 30 * SECOND,
  announceOnLinkUp: 5 * SECOND,
  idRetention: 90 * SECOND,
  maxIhaveIds: 256
})
