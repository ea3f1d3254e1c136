import { expect } from 'aegir/chai'
import { toHex } from '../../src/wire/hex.ts'

describe('hex', () => {
  const bytes = new Uint8Array(512).map((_, i) => i % 256)

  it('writes an id\'s few bytes as Buffer does, whole or a range', () => {
    expect(toHex(bytes.subarray(250, 256))).to.equal('fafbfcfdfeff')
    expect(toHex(bytes, 10, 26)).to.equal(Buffer.from(bytes.subarray(10, 26)).toString('hex'))
    expect(toHex(new Uint8Array(0))).to.equal('')
  })

  it('writes a pool of bytes as Buffer does, whole or a range', () => {
    expect(toHex(bytes)).to.equal(Buffer.from(bytes).toString('hex'))
    expect(toHex(bytes, 3, 300)).to.equal(Buffer.from(bytes.subarray(3, 300)).toString('hex'))
    const random = crypto.getRandomValues(new Uint8Array(4096))
    expect(toHex(random)).to.equal(Buffer.from(random).toString('hex'))
  })
})
