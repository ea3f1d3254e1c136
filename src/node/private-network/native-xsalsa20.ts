// XSalsa20 from libsodium (crypto_stream_xor_*), through sodium-native, where a build for this platform loads.
import { createRequire } from 'node:module'
import type { Keystream, XSalsa20Implementation } from './keystream.ts'

interface SodiumStream {
  crypto_stream_xor_STATEBYTES: number
  crypto_stream_xor_init(state: Uint8Array, nonce: Uint8Array, key: Uint8Array): void
  crypto_stream_xor_update(state: Uint8Array, output: Uint8Array, input: Uint8Array): void
}

class NativeKeystream implements Keystream {
  private readonly sodium: SodiumStream
  private readonly state: Uint8Array

  constructor (sodium: SodiumStream, key: Uint8Array, nonce: Uint8Array) {
    this.sodium = sodium
    this.state = new Uint8Array(sodium.crypto_stream_xor_STATEBYTES)
    sodium.crypto_stream_xor_init(this.state, nonce, key)
  }

  xor (input: Uint8Array, output: Uint8Array): void {
    // libsodium's stream state carries the partial block between calls, and its 64-bit block counter never wraps
    this.sodium.crypto_stream_xor_update(this.state, output, input)
  }
}

/** The native implementation, or undefined where sodium-native has no build for this platform or runtime. */
export function nativeXSalsa20 (): XSalsa20Implementation | undefined {
  let sodium: SodiumStream
  try {
    sodium = createRequire(import.meta.url)('sodium-native')
  } catch {
    return undefined
  }
  if (typeof sodium.crypto_stream_xor_update !== 'function') { return undefined }
  return { name: 'libsodium (sodium-native)', keystream: (key, nonce) => new NativeKeystream(sodium, key, nonce) }
}
