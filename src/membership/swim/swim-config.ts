// The timing and fan-out knobs of the SWIM core; the adapter fills them from the membership options.

export interface SwimConfig {
  /** ms between two probes started by this node */
  probeInterval: number
  /** ms to wait for a direct ack before asking others to probe */
  probeTimeout: number
  /** ms a suspect has to refute before this node declares it dead */
  suspectTimeout: number
  /** members asked to probe a silent target */
  indirectProbes: number
  /** ms a dead or left member is remembered, so stale news cannot bring it back */
  tombstoneTimeout: number
  /** ms between anti-entropy syncs with one random member; 0 turns them off */
  syncInterval: number
  /** each update is sent about retransmitMult * log2(n + 1) times */
  retransmitMult: number
  /** most updates carried by one message */
  maxPiggyback: number
}
