// The timing and fan-out knobs of the SWIM core; the adapter fills them from the membership options.

export interface SwimConfig {
  /** ms between two probes started by this node, times its local health multiplier */
  probeInterval: number
  /** ms to wait for a direct ack before asking others to probe, times its local health multiplier */
  probeTimeout: number
  /**
   * ms a suspect has to refute once enough members confirmed the suspicion, at up to 10 members; it grows with
   * log10 of the cluster size, and a suspicion only one member holds lasts suspicionMaxMult times longer
   */
  suspectTimeout: number
  /**
   * ms a suspicion of a browser tab lasts at least, however many confirm it: a tab is a lease its Node members keep
   * alive by probing it over the tab's own connections, and a tab the browser froze in the background, or whose
   * network dropped for a moment, runs nothing meanwhile but comes back
   */
  browserLease: number
  /** how many times longer a suspicion lasts while only one member holds it (Lifeguard's dynamic suspicion) */
  suspicionMaxMult: number
  /** members asked to probe a silent target; also the confirmations that bring a suspicion to its shortest */
  indirectProbes: number
  /** the highest local health multiplier: a node in doubt about itself stretches its probing up to this factor */
  localHealthMax: number
  /**
   * ms at most a member that just joined stays out of this node's probe rounds while no connection to it is open
   * (see SwimCore.linked): the dial and handshake take seconds while a whole cluster forms on a busy machine, and a
   * probe meanwhile would only time out. A joiner killed meanwhile is still noticed when its connection closes, and
   * by the members that are connected to it
   */
  joinGrace: number
  /**
   * ms a new member's connection is given to settle before this node probes it: right after the handshake both
   * ends open their streams and exchange their state, and on a busy machine answers are late meanwhile
   */
  linkSettle: number
  /** ms between two calls of tick() by the caller; longer gaps are this node's own stalls, not others' silence */
  tickInterval: number
  /** ms between two rounds that send waiting news to a few members without a probe; 0 leaves news to probes */
  gossipInterval: number
  /** members each such round sends to */
  gossipFanout: number
  /** ms a dead or left member is remembered, so stale news cannot bring it back */
  tombstoneTimeout: number
  /** ms between anti-entropy syncs with one random member, longer above 32 members; 0 turns them off */
  syncInterval: number
  /** each update is sent about retransmitMult * log2(n + 1) times */
  retransmitMult: number
  /** most updates carried by one message */
  maxPiggyback: number
  /**
   * while probing is restricted to neighbours (setNeighbours), one probe in this many goes to a random member outside
   * them, and a leave is told to `indirectProbes` such members too; 0 never addresses a non-neighbour
   */
  strangerProbeEvery: number
}
