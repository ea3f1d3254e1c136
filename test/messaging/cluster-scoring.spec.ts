// gossipsub's scoring as set for a cluster: members that share an address, or are slow, keep a score of 0.
import { ScorePenalty } from '@libp2p/gossipsub/metrics'
import { PeerScore, createPeerScoreParams, createPeerScoreThresholds, validatePeerScoreParams, validatePeerScoreThresholds } from '@libp2p/gossipsub/score'
import { defaultLogger } from '@libp2p/logger'
import { expect } from 'aegir/chai'
import { clusterScoring } from '../../src/messaging/pubsub/cluster-scoring.ts'
import type { PeerScoreParams } from '@libp2p/gossipsub/score'

/** `count` peers that all connect from one address, as nodes on one machine or behind one NAT do. */
function colocated (params: PeerScoreParams, count: number): PeerScore {
  const score = new PeerScore(params, null, defaultLogger(), { scoreCacheValidityMs: 0 })
  for (let i = 0; i < count; i++) {
    score.addPeer(`peer-${i}`)
    score.addIP(`peer-${i}`, '127.0.0.1')
  }
  return score
}

/** A peer with three broken gossip promises and a graft during a backoff. */
function penalised (params: PeerScoreParams): PeerScore {
  const score = colocated(params, 2)
  score.addPenalty('peer-0', 3, ScorePenalty.BrokenPromise)
  score.addPenalty('peer-0', 1, ScorePenalty.GraftBackoff)
  return score
}

describe('messaging/pubsub: cluster scoring', () => {
  const { scoreParams, scoreThresholds } = clusterScoring()

  it('passes gossipsub\'s own validation', () => {
    expect(() => { validatePeerScoreParams(createPeerScoreParams(scoreParams)) }).to.not.throw()
    expect(() => { validatePeerScoreThresholds(createPeerScoreThresholds(scoreThresholds)) }).to.not.throw()
  })

  it('scores 24 peers on one address at 0, where gossipsub\'s defaults graylist them', () => {
    const thresholds = createPeerScoreThresholds(scoreThresholds)
    // gossipsub's defaults, as measured in issue 11: 15 nodes see 14 peers each, scored below the publish
    // threshold; 25 see 24, scored below the graylist threshold, where even their subscriptions are ignored
    expect(colocated(createPeerScoreParams(), 14).score('peer-0')).to.equal(-80).and.below(thresholds.publishThreshold)
    expect(colocated(createPeerScoreParams(), 24).score('peer-0')).to.equal(-980).and.below(thresholds.graylistThreshold)
    expect(colocated(createPeerScoreParams(scoreParams), 24).score('peer-0')).to.equal(0)
  })

  it('does not mark down a member that broke gossip promises or grafted during a backoff', () => {
    expect(penalised(createPeerScoreParams()).score('peer-0')).to.be.below(createPeerScoreThresholds(scoreThresholds).graylistThreshold)
    const score = penalised(createPeerScoreParams(scoreParams))
    expect(score.score('peer-0')).to.equal(0)
  })
})
