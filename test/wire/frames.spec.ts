import { expect } from 'aegir/chai'
import { Codec } from '../../src/wire/codec.ts'
import { FrameTooLargeError, MalformedFrameError, TruncatedFrameError } from '../../src/wire/errors.ts'
import { FrameDecoder, encodeFrame, encodeFrames } from '../../src/wire/frames.ts'

describe('wire frames', () => {
  it('round-trips frames split at every byte boundary', () => {
    const payloads = [new Uint8Array([1]), new Uint8Array(300).fill(7), new Uint8Array(0), new Uint8Array([9, 9])]
    const bytes = encodeFrames(payloads)
    for (let split = 0; split <= bytes.byteLength; split++) {
      const decoder = new FrameDecoder(1024)
      const out = [...decoder.push(bytes.subarray(0, split)), ...decoder.push(bytes.subarray(split))]
      expect(out.map(p => [...p])).to.deep.equal(payloads.map(p => [...p]), `split at ${split}`)
      expect(decoder.pending).to.equal(0)
    }
  })

  it('rejects a frame announced above the limit before buffering it', () => {
    const decoder = new FrameDecoder(100)
    // only the length prefix has arrived: it is already enough to refuse
    const prefix = encodeFrame(new Uint8Array(101)).subarray(0, 1)
    expect(() => decoder.push(prefix)).to.throw(FrameTooLargeError).with.property('length', 101)
  })

  it('rejects a length prefix longer than five bytes', () => {
    const decoder = new FrameDecoder(Number.MAX_SAFE_INTEGER)
    expect(() => decoder.push(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))).to.throw(MalformedFrameError)
  })

  it('reports a stream that ends inside a frame', () => {
    const decoder = new FrameDecoder(1024)
    decoder.push(encodeFrame(new Uint8Array(10)).subarray(0, 5))
    expect(() => { decoder.end() }).to.throw(TruncatedFrameError)
  })

  it('reports undecodable payloads as malformed, with the cause', () => {
    const codec = new Codec()
    expect(codec.decode(codec.encode({ a: [1, 'x'] }))).to.deep.equal({ a: [1, 'x'] })
    expect(() => codec.decode(new Uint8Array([0x92, 0x01]))).to.throw(MalformedFrameError).with.property('cause')
  })
})
