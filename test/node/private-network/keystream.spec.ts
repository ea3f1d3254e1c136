import { randomBytes } from 'node:crypto'
import { xsalsa20 as oneShot } from '@noble/ciphers/salsa.js'
import { expect } from 'aegir/chai'
import { KeystreamExhaustedError } from '../../../src/node/private-network/errors.ts'
import { KEY_LENGTH, NONCE_LENGTH, xsalsa20 } from '../../../src/node/private-network/keystream.ts'
import { nativeXSalsa20 } from '../../../src/node/private-network/native-xsalsa20.ts'
import { portableXSalsa20 } from '../../../src/node/private-network/portable-xsalsa20.ts'
import type { XSalsa20Implementation } from '../../../src/node/private-network/keystream.ts'

/** Splits `length` bytes into pieces of random sizes, some under a block, some spanning many. */
function randomPieces (length: number): number[] {
  const sizes = [1, 7, 63, 64, 65, 127, 1000, 4096, 70_000]
  const pieces: number[] = []
  let left = length
  while (left > 0) {
    const size = Math.min(left, sizes[Math.floor(Math.random() * sizes.length)])
    pieces.push(size)
    left -= size
  }
  return pieces
}

const native = nativeXSalsa20()

describe('private network keystream', () => {
  it('this platform loads the native libsodium build (the fast path production uses)', () => {
    expect(native, 'sodium-native did not load').to.not.equal(undefined)
    expect(xsalsa20().name).to.equal(native?.name)
  })

  const implementations: XSalsa20Implementation[] = [portableXSalsa20, ...(native != null ? [native] : [])]
  for (const implementation of implementations) {
    describe(implementation.name, () => {
      it('XORs the same keystream as one-shot XSalsa20, however the bytes are split', () => {
        const key = randomBytes(KEY_LENGTH)
        const nonce = randomBytes(NONCE_LENGTH)
        const plain = randomBytes(300_000)
        const expected = oneShot(key, nonce, plain)
        for (let round = 0; round < 5; round++) {
          const stream = implementation.keystream(key, nonce)
          const sealed = new Uint8Array(plain.byteLength)
          let offset = 0
          for (const size of randomPieces(plain.byteLength)) {
            stream.xor(plain.subarray(offset, offset + size), sealed.subarray(offset, offset + size))
            offset += size
          }
          expect(Buffer.from(sealed).equals(Buffer.from(expected)), `round ${round}`).to.equal(true)
        }
      })

      it('encrypts 96 MiB in one call (more than the WebAssembly cipher of @libp2p/pnet can hold)', () => {
        const key = randomBytes(KEY_LENGTH)
        const nonce = randomBytes(NONCE_LENGTH)
        const plain = new Uint8Array(96 * 1024 * 1024).fill(7)
        const sealed = new Uint8Array(plain.byteLength)
        implementation.keystream(key, nonce).xor(plain, sealed)
        const opened = new Uint8Array(plain.byteLength)
        implementation.keystream(key, nonce).xor(sealed, opened)
        expect(opened[0]).to.equal(7)
        expect(opened[opened.byteLength - 1]).to.equal(7)
        expect(Buffer.from(opened).equals(Buffer.from(plain))).to.equal(true)
      })
    })
  }

  it('the portable keystream refuses to reuse its keystream once its 32-bit block counter is spent', () => {
    const stream = portableXSalsa20.keystream(randomBytes(KEY_LENGTH), randomBytes(NONCE_LENGTH))
    // the counter as it stands after 256 GiB less one block, without encrypting them here
    ;(stream as unknown as { nextBlock: number }).nextBlock = 2 ** 32 - 2
    const out = new Uint8Array(128)
    expect(() => { stream.xor(new Uint8Array(64), out.subarray(0, 64)) }).to.not.throw()
    expect(() => { stream.xor(new Uint8Array(1), out.subarray(64, 65)) }).to.throw(KeystreamExhaustedError)
  })
})
