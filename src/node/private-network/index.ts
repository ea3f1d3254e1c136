// The private network of a cluster: every connection between members encrypted with the cluster key, in the wire
// format of libp2p pnet (a 24-byte nonce each way, then XSalsa20), so a stock libp2p node with the swarm key connects.
import { byteStream } from '@libp2p/utils'
import { NonceExchangeError } from './errors.ts'
import { NONCE_LENGTH, xsalsa20 } from './keystream.ts'
import { ProtectedConnection } from './protected-connection.ts'
import { decodeSwarmKey } from './swarm-key.ts'
import type { XSalsa20Implementation } from './keystream.ts'
import type { AbortOptions, ConnectionProtector, MessageStream, MultiaddrConnection } from '@libp2p/interface'

export { InvalidSwarmKeyError, KeystreamExhaustedError, NonceExchangeError } from './errors.ts'

/** how long the remote has to send its nonce, unless the dial's own signal says otherwise */
const NONCE_TIMEOUT = 5000

export interface PrivateNetworkInit {
  /** the swarm key file (`/key/swarm/psk/1.0.0/`, `/base16/`, 64 hex digits), as bytes */
  swarmKey: Uint8Array
  /** which XSalsa20 to use (default: libsodium where it loads, else `@noble/ciphers`) */
  cipher?: XSalsa20Implementation
}

class PrivateNetwork implements ConnectionProtector {
  private readonly key: Uint8Array
  private readonly cipher: XSalsa20Implementation

  constructor (init: PrivateNetworkInit) {
    this.key = decodeSwarmKey(init.swarmKey)
    this.cipher = init.cipher ?? xsalsa20()
  }

  readonly [Symbol.toStringTag] = 'foundation:private-network'

  async protect (stream: MessageStream, options: AbortOptions = {}): Promise<MessageStream> {
    // libp2p protects the raw connection, before encryption and multiplexing
    const connection = stream as MultiaddrConnection
    const log = connection.log.newScope('private-network')
    const localNonce = crypto.getRandomValues(new Uint8Array(NONCE_LENGTH))
    const signal = options.signal ?? AbortSignal.timeout(NONCE_TIMEOUT)
    const bytes = byteStream(connection)
    let remoteNonce: Uint8Array
    try {
      const [read] = await Promise.all([
        bytes.read({ bytes: NONCE_LENGTH, signal }),
        bytes.write(localNonce, { signal })
      ])
      remoteNonce = read.subarray()
    } catch (err: any) {
      throw new NonceExchangeError(`no private network nonce from ${connection.remoteAddr.toString()}: ${err.message}`, { cause: err })
    }
    log('nonces exchanged, encrypting with %s', this.cipher.name)
    return new ProtectedConnection({
      connection: bytes.unwrap() as MultiaddrConnection,
      outbound: this.cipher.keystream(this.key, localNonce),
      inbound: this.cipher.keystream(this.key, remoteNonce),
      log
    })
  }
}

/** The connection protector of a cluster with a secret; throws InvalidSwarmKeyError for a malformed key. */
export function privateNetwork (init: PrivateNetworkInit): () => ConnectionProtector {
  const protector = new PrivateNetwork(init)
  return () => protector
}
