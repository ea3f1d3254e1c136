// XSalsa20 as a stream: one keystream per direction of a connection, XORed over the bytes in the order they pass.
import { nativeXSalsa20 } from './native-xsalsa20.ts'
import { portableXSalsa20 } from './portable-xsalsa20.ts'

/** The cipher of the libp2p private network (pnet): a 32-byte key and a 24-byte nonce. */
export const KEY_LENGTH = 32
export const NONCE_LENGTH = 24

/** One direction's keystream: each call continues where the previous one stopped. */
export interface Keystream {
  /** XORs `input` with the next `input.byteLength` bytes of keystream into `output` (same length; may be `input`) */
  xor(input: Uint8Array, output: Uint8Array): void
}

/** Makes the keystream of one key and nonce. */
export type KeystreamFactory = (key: Uint8Array, nonce: Uint8Array) => Keystream

export interface XSalsa20Implementation {
  /** shown in logs and tests: which library encrypts */
  name: string
  keystream: KeystreamFactory
}

/**
 * libsodium through its native binding where this platform has a build of it (about five times the speed of the
 * best JavaScript), else `@noble/ciphers`. Both keep their working memory per call in ordinary buffers: no shared
 * WebAssembly memory that a large write, or another library in the process, can exhaust.
 */
export function xsalsa20 (): XSalsa20Implementation {
  return nativeXSalsa20() ?? portableXSalsa20
}
