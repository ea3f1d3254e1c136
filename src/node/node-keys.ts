// Signing with this node's libp2p key, and checking other nodes' signatures with the key their peer id embeds. Both
// go through the platform's crypto (see KeyCrypto), with each key imported once: in Node, Ed25519 in OpenSSL, where
// @libp2p/crypto would rebuild a key object for every signature.
import { peerIdFromString } from '@libp2p/peer-id'
import { UnsupportedIdentityKeyError } from './errors.ts'
import type { PrivateKey } from '@libp2p/interface'

/** Bytes of an Ed25519 signature. */
export const SIGNATURE_LENGTH = 64

/** Signs bytes with one Ed25519 key. */
export type Signer = (data: Uint8Array) => Uint8Array

/** Checks an Ed25519 signature of bytes against one public key; false for any signature that is not the key's. */
export type Verifier = (data: Uint8Array, signature: Uint8Array) => boolean

/**
 * What a platform gives for signing and checking: Node's OpenSSL (platform/node/node-crypto.ts), pure JavaScript in a
 * browser (platform/browser/noble-crypto.ts). A key is imported once, by `signer` or `verifier`, and used many times.
 */
export interface KeyCrypto {
  /** `seed`: the 32-byte Ed25519 private key; `publicKey`: its 32-byte public key */
  signer(seed: Uint8Array, publicKey: Uint8Array): Signer
  /** may throw for bytes that are no Ed25519 public key */
  verifier(publicKey: Uint8Array): Verifier
  sha256(data: Uint8Array): Uint8Array
}

/** This node's key, for signing. */
export class SigningKey {
  private readonly signer: Signer
  private readonly crypto: KeyCrypto

  constructor (privateKey: PrivateKey, crypto: KeyCrypto) {
    if (privateKey.type !== 'Ed25519') { throw new UnsupportedIdentityKeyError(privateKey.type) }
    // libp2p's raw Ed25519 private key is the 32-byte seed followed by the 32-byte public key
    const raw = privateKey.raw
    this.signer = crypto.signer(raw.subarray(0, 32), raw.subarray(32))
    this.crypto = crypto
  }

  sign (data: Uint8Array): Uint8Array {
    return this.signer(data)
  }

  /**
   * Signs the SHA-256 of `data`. Ed25519 hashes what it signs twice with SHA-512; one SHA-256 of a large batch costs
   * a fraction of that, and the signature then covers 32 bytes whatever the batch's size.
   */
  signDigestOf (data: Uint8Array): Uint8Array {
    return this.signer(this.crypto.sha256(data))
  }
}

/** Other nodes' public keys, read from their peer ids and kept for the `limit` nodes checked last. */
export class PeerKeys {
  private readonly limit: number
  private readonly crypto: KeyCrypto
  /** by peer id, least recently used first; null for an id that embeds no Ed25519 key */
  private readonly keys = new Map<string, Verifier | null>()

  constructor (limit: number, crypto: KeyCrypto) {
    this.limit = limit
    this.crypto = crypto
  }

  /** True when `signature` is `peer`'s signature of `data`; false for any other signature, or a peer id without a key. */
  verify (peer: string, data: Uint8Array, signature: Uint8Array): boolean {
    const verifier = this.verifierOf(peer)
    return verifier != null && signature.byteLength === SIGNATURE_LENGTH && verifier(data, signature)
  }

  /** True when `signature` is `peer`'s signature of the SHA-256 of `data` (see SigningKey.signDigestOf). */
  verifyDigestOf (peer: string, data: Uint8Array, signature: Uint8Array): boolean {
    return this.verify(peer, this.crypto.sha256(data), signature)
  }

  private verifierOf (peer: string): Verifier | null {
    let verifier = this.keys.get(peer)
    if (verifier !== undefined) {
      this.keys.delete(peer)
    } else {
      verifier = this.importKeyOf(peer)
      if (this.keys.size >= this.limit) {
        const oldest = this.keys.keys().next().value
        if (oldest !== undefined) { this.keys.delete(oldest) }
      }
    }
    this.keys.set(peer, verifier)
    return verifier
  }

  private importKeyOf (peer: string): Verifier | null {
    try {
      const peerId = peerIdFromString(peer)
      if (peerId.type !== 'Ed25519' || peerId.publicKey == null) { return null }
      return this.crypto.verifier(peerId.publicKey.raw)
    } catch {
      return null
    }
  }
}

/** This node's key and the peers' keys, handed to each part that signs or checks signatures. */
export interface NodeKeys {
  own: SigningKey
  peers: PeerKeys
}

/** Peers whose keys are kept: more than a large cluster has members, so a busy node verifies with keys at hand. */
const PEER_KEYS = 10_000

export function nodeKeys (privateKey: PrivateKey, crypto: KeyCrypto): NodeKeys {
  return { own: new SigningKey(privateKey, crypto), peers: new PeerKeys(PEER_KEYS, crypto) }
}
