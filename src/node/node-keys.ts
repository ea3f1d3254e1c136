// Signing with this node's libp2p key, and checking other nodes' signatures with the key their peer id embeds. Both
// go through node:crypto key objects made once: Ed25519 in OpenSSL, where @libp2p/crypto would rebuild a key object
// for every signature.
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import { UnsupportedIdentityKeyError } from './errors.ts'
import type { PrivateKey } from '@libp2p/interface'
import type { KeyObject } from 'node:crypto'

/** Bytes of an Ed25519 signature. */
export const SIGNATURE_LENGTH = 64

function base64url (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
}

/** This node's key, for signing. */
export class SigningKey {
  private readonly key: KeyObject

  constructor (privateKey: PrivateKey) {
    if (privateKey.type !== 'Ed25519') { throw new UnsupportedIdentityKeyError(privateKey.type) }
    // libp2p's raw Ed25519 private key is the 32-byte seed followed by the 32-byte public key
    const raw = privateKey.raw
    this.key = createPrivateKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', d: base64url(raw.subarray(0, 32)), x: base64url(raw.subarray(32)) } })
  }

  sign (data: Uint8Array): Uint8Array {
    return sign(null, data, this.key)
  }
}

/** Other nodes' public keys, read from their peer ids and kept for the `limit` nodes checked last. */
export class PeerKeys {
  private readonly limit: number
  /** by peer id, least recently used first; null for an id that embeds no Ed25519 key */
  private readonly keys = new Map<string, KeyObject | null>()

  constructor (limit: number) {
    this.limit = limit
  }

  /** True when `signature` is `peer`'s signature of `data`; false for any other signature, or a peer id without a key. */
  verify (peer: string, data: Uint8Array, signature: Uint8Array): boolean {
    const key = this.keyOf(peer)
    return key != null && signature.byteLength === SIGNATURE_LENGTH && verify(null, data, key, signature)
  }

  private keyOf (peer: string): KeyObject | null {
    let key = this.keys.get(peer)
    if (key !== undefined) {
      this.keys.delete(peer)
    } else {
      key = publicKeyOf(peer)
      if (this.keys.size >= this.limit) {
        const oldest = this.keys.keys().next().value
        if (oldest !== undefined) { this.keys.delete(oldest) }
      }
    }
    this.keys.set(peer, key)
    return key
  }
}

function publicKeyOf (peer: string): KeyObject | null {
  try {
    const peerId = peerIdFromString(peer)
    if (peerId.type !== 'Ed25519' || peerId.publicKey == null) { return null }
    return createPublicKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', x: base64url(peerId.publicKey.raw) } })
  } catch {
    return null
  }
}

/** This node's key and the peers' keys, handed to each part that signs or checks signatures. */
export interface NodeKeys {
  own: SigningKey
  peers: PeerKeys
}

/** Peers whose keys are kept: more than a large cluster has members, so a busy node verifies with keys at hand. */
const PEER_KEYS = 10_000

export function nodeKeys (privateKey: PrivateKey): NodeKeys {
  return { own: new SigningKey(privateKey), peers: new PeerKeys(PEER_KEYS) }
}
