// The cluster secret as libp2p's pre-shared key: a swarm.key text as it is, or a key derived from a passphrase.
import { createHash, randomBytes } from 'node:crypto'

const SWARM_KEY_HEADER = '/key/swarm/psk/1.0.0/\n/base16/\n'

/** The pnet key bytes for a configured secret. */
export function preSharedKeyFrom (secret: string): Uint8Array {
  if (secret.startsWith('/key/swarm/psk/')) { return new TextEncoder().encode(secret) }
  // a passphrase: every node that knows it derives the same 32-byte key
  const key = createHash('sha256').update(`foundation-cluster-secret:${secret}`).digest('hex')
  return new TextEncoder().encode(SWARM_KEY_HEADER + key)
}

/** A new random secret, good as a passphrase for every node of one cluster. */
export function generateSecret (): string {
  return randomBytes(32).toString('base64url')
}
