// gossipsub's peer scoring set for a cluster whose members are admitted by noise and the cluster key.
import type { PeerScoreParams, PeerScoreThresholds } from '@libp2p/gossipsub/score'

/**
 * gossipsub's default scoring is for an open network of strangers, where a peer's address and behaviour are the
 * only signs of a Sybil or an eclipse attempt. Here every peer is a member the cluster admitted, running this
 * code: a term that marks down where members run (one machine, one VM, one NAT) or how fast a busy member answers
 * only cuts honest members off. The defaults did exactly that (issue 11): 15 nodes on one address scored each other
 * at -80 and nobody's publications went anywhere; 25 scored -980 and ignored each other's subscriptions.
 */
export interface ClusterScoring {
  scoreParams: Partial<PeerScoreParams>
  scoreThresholds: Partial<PeerScoreThresholds>
}

export function clusterScoring (): ClusterScoring {
  return {
    scoreParams: {
      // P6, IP colocation (default -5 per extra peer squared, past 10 peers on one address): nodes on one machine,
      // in one VM or pod network, or behind one NAT share an address by design. Admission, not address diversity,
      // keeps strangers out. Off, rather than whitelisting 127.0.0.1, because a NAT's public address is shared too
      IPColocationFactorWeight: 0,
      // P7, behaviour (default -10 per penalty squared, so 3 penalties graylist a peer): a member is penalised for
      // grafting while we hold a prune backoff for it (it restarted with the same peer id, or both ends raced) and
      // for an IWANT it did not answer within 3 s (it was busy, or the message left its cache). Both are a member
      // that is slow or restarting, not hostile; gossipsub still refuses the early graft either way
      behaviourPenaltyWeight: 0,
      // P1-P4, per topic: none. P3 (mesh delivery deficit) would mark down every mesh peer of a quiet topic or of
      // a slow publisher; P4 (invalid messages) would count only what gossipsub itself rejects, while malformed
      // publications are dropped and counted after it (PubSubStats.invalidMessages). gossipsub keys these by exact
      // topic string, and ours are made at run time
      topics: {},
      // P5: no application score; membership already says who belongs
      appSpecificScore: () => 0
    },
    // gossipsub's values. With no negative term left a member's score stays 0, so none of these is ever reached:
    // a member is always gossiped to, published to and heard. They stay as gossipsub ranks them, in case a term
    // comes back
    scoreThresholds: {
      // below it: no IHAVE/IWANT gossip with the peer
      gossipThreshold: -10,
      // below it: our own publications skip the peer (flood publish included)
      publishThreshold: -50,
      // below it: every RPC from the peer is ignored, its subscriptions and publications included
      graylistThreshold: -80,
      // peer exchange on PRUNE only from peers above it: at 0 never, and not needed, as every member dials every other
      acceptPXThreshold: 10,
      // opportunistic grafting looks for peers above the mesh's median score; all at 0, it finds none and does nothing
      opportunisticGraftThreshold: 20
    }
  }
}
