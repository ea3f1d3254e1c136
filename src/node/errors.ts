// Errors about the node itself, as opposed to its peers or its configuration.

/**
 * The node's libp2p key is not Ed25519: a node signs what it says about itself (its membership record, its
 * publications) with the key its peer id embeds, and the others check with the key read from the peer id, which only
 * Ed25519 ids hold here.
 */
export class UnsupportedIdentityKeyError extends Error {
  static readonly name = 'UnsupportedIdentityKeyError'
  readonly keyType: string

  constructor (keyType: string) {
    super(`the node's identity key is ${keyType}; a node signs its membership records and publications with an Ed25519 key (delete identity.keyFile to make one)`)
    this.name = 'UnsupportedIdentityKeyError'
    this.keyType = keyType
  }
}
