// What a node's pub/sub counted since it started.

export interface PubSubStats {
  published: number
  /** encoded bytes of the publications made here */
  publishedBytes: number
  /** publications from other nodes that came by gossip or the tree, and their bytes as sent (batched with their header) */
  received: number
  receivedBytes: number
  /** of those, publications that came over the overlay's broadcast tree */
  receivedOverTree: number
  /** batches that came by both gossipsub and the tree: the second copy, dropped */
  duplicates: number
  /** publications that failed to send: no other node got them */
  publishFailures: number
  /**
   * publications sent to at least one other node, by gossipsub or over the tree. Of those made here, the rest are
   * `sentToNoPeer`, `publishFailures`, or still queued
   */
  sentToPeers: number
  /**
   * publications sent to no other node: none subscribed as far as gossipsub knew, or it would send to none of them,
   * and the tree was not in use or had no link. Rising while other nodes subscribe, it means pub/sub is silent
   */
  sentToNoPeer: number
  /** copies of publications sent to other nodes: one per publication and node (or tree link) it went to from here */
  peerCopies: number
  /** handler calls for publications, local and remote */
  delivered: number
  /** publications from the network that could not be decoded, or carried a malformed trace context */
  invalidMessages: number
  /** batches whose signature is not that of the sender they name: dropped, none of their messages delivered */
  forgedSenders: number
  /** subscriber handlers that threw */
  handlerErrors: number
}

export function emptyPubSubStats (): PubSubStats {
  return {
    published: 0,
    publishedBytes: 0,
    received: 0,
    receivedBytes: 0,
    receivedOverTree: 0,
    duplicates: 0,
    publishFailures: 0,
    sentToPeers: 0,
    sentToNoPeer: 0,
    peerCopies: 0,
    delivered: 0,
    invalidMessages: 0,
    forgedSenders: 0,
    handlerErrors: 0
  }
}
