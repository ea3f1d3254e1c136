// Keys where there is no node:crypto: Ed25519 and SHA-256 in JavaScript (@noble), slower than Node's OpenSSL but the
// same signatures, so nodes of either kind check each other's.
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { KeyCrypto } from '../../node/node-keys.ts'

/**
 * RFC 8032's strict rules instead of noble's default, ZIP 215, which takes non-canonical point encodings that OpenSSL
 * refuses: what a member accepts should not depend on the platform it runs on. No honest signer makes either.
 */
const STRICT = { zip215: false }

export function nobleKeyCrypto (): KeyCrypto {
  return {
    signer: (seed) => (data) => ed25519.sign(data, seed),
    verifier: (publicKey) => (data, signature) => {
      try {
        return ed25519.verify(signature, data, publicKey, STRICT)
      } catch {
        // a malformed signature or key is no signature of this key
        return false
      }
    },
    sha256: (data) => sha256(data)
  }
}
