// XSalsa20 from @noble/ciphers, for platforms without a native libsodium: pure JavaScript, a block counter of our own.
import { xsalsa20 } from '@noble/ciphers/salsa.js'
import { KeystreamExhaustedError } from './errors.ts'
import type { Keystream, XSalsa20Implementation } from './keystream.ts'

const BLOCK = 64
/** `@noble/ciphers` counts blocks in 32 bits and stops before the last counter: past this many blocks it cannot go on */
const MAX_BLOCKS = 2 ** 32 - 1

class PortableKeystream implements Keystream {
  private readonly key: Uint8Array
  private readonly nonce: Uint8Array
  /** the counter of the next block not yet generated */
  private nextBlock = 0
  /** the last generated block, of which `used` bytes have been XORed already */
  private readonly block = new Uint8Array(BLOCK)
  private readonly zeros = new Uint8Array(BLOCK)
  private used = BLOCK

  constructor (key: Uint8Array, nonce: Uint8Array) {
    this.key = key
    this.nonce = nonce
  }

  xor (input: Uint8Array, output: Uint8Array): void {
    // first the rest of a block a previous call started
    const head = Math.min(BLOCK - this.used, input.byteLength)
    for (let i = 0; i < head; i++) { output[i] = input[i] ^ this.block[this.used + i] }
    this.used += head
    const whole = Math.floor((input.byteLength - head) / BLOCK) * BLOCK
    const tail = input.byteLength - head - whole
    this.reserve(whole / BLOCK + (tail > 0 ? 1 : 0))
    if (whole > 0) {
      xsalsa20(this.key, this.nonce, input.subarray(head, head + whole), output.subarray(head, head + whole), this.nextBlock)
      this.nextBlock += whole / BLOCK
    }
    if (tail > 0) {
      // a block of keystream alone (zeros XORed), kept for the next call
      xsalsa20(this.key, this.nonce, this.zeros, this.block, this.nextBlock)
      this.nextBlock++
      const start = head + whole
      for (let i = 0; i < tail; i++) { output[start + i] = input[start + i] ^ this.block[i] }
      this.used = tail
    }
  }

  private reserve (blocks: number): void {
    if (this.nextBlock + blocks > MAX_BLOCKS) { throw new KeystreamExhaustedError(MAX_BLOCKS * BLOCK) }
  }
}

export const portableXSalsa20: XSalsa20Implementation = {
  name: '@noble/ciphers',
  keystream: (key, nonce) => new PortableKeystream(key, nonce)
}
