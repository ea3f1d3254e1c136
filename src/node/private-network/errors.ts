// Errors of the private network: the cluster key protecting every connection between members.

/** The swarm key is not a libp2p pnet v1 key (`/key/swarm/psk/1.0.0/`, `/base16/`, 64 hex digits). */
export class InvalidSwarmKeyError extends Error {
  static readonly name = 'InvalidSwarmKeyError'

  constructor (message: string) {
    super(message)
    this.name = 'InvalidSwarmKeyError'
  }
}

/**
 * One direction of a connection carried as much as one nonce may encrypt: the connection is closed rather than
 * reuse keystream, and libp2p dials a fresh one (with fresh nonces).
 */
export class KeystreamExhaustedError extends Error {
  static readonly name = 'KeystreamExhaustedError'

  constructor (limit: number) {
    super(`a connection direction may carry at most ${limit} bytes under one nonce`)
    this.name = 'KeystreamExhaustedError'
  }
}

/** The remote end did not send its nonce in time: not a member of this private network, or not a libp2p node. */
export class NonceExchangeError extends Error {
  static readonly name = 'NonceExchangeError'

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'NonceExchangeError'
  }
}
