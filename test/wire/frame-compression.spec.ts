import { deflateRawSync } from 'node:zlib'
import { expect } from 'aegir/chai'
import { nodeFrameCodecs } from '../../src/platform/node/frame-codecs.ts'
import { COMPRESSED_MARK, FrameCompression } from '../../src/wire/compression/index.ts'
import { FrameTooLargeError, MalformedFrameError } from '../../src/wire/errors.ts'
import type { CompressionMode } from '../../src/wire/compression/index.ts'

const BASE = '/foundation/t/direct/1.0.0'
const LIMIT = 1024 * 1024

/** A JSON-like message of about `bytes`: repeated keys, varying values, as services send. */
function jsonLike (bytes: number): Uint8Array {
  const items = []
  for (let i = 0; items.length * 90 < bytes; i++) {
    items.push({ id: i, sku: `sku-${(i * 7919) % 10007}`, price: (i * 37) % 1000 / 10, tags: ['red', 'green', 'blue'].slice(0, 1 + i % 3), stock: i % 2 === 0 })
  }
  return new TextEncoder().encode(JSON.stringify(items)).subarray(0, bytes)
}

function compression (mode: CompressionMode, threshold = 1024): FrameCompression {
  return new FrameCompression({ mode, threshold }, nodeFrameCodecs())
}

describe('frame compression', () => {
  it('offers the codecs its mode allows, best first, and accepts every codec it can inflate', () => {
    expect(compression('on').offered(BASE)).to.deep.equal([`${BASE}/zstd`, `${BASE}/deflate`, BASE])
    expect(compression('deflate').offered(BASE)).to.deep.equal([`${BASE}/deflate`, BASE])
    expect(compression('off').offered(BASE)).to.deep.equal([BASE])
    // a node that sends plain frames still reads compressed ones
    expect(compression('off').accepted(BASE)).to.deep.equal([BASE, `${BASE}/zstd`, `${BASE}/deflate`])
    // a node without codecs (a browser tab, an old Node.js) speaks the plain protocol only
    const bare = new FrameCompression({ mode: 'on', threshold: 1024 }, [])
    expect(bare.offered(BASE)).to.deep.equal([BASE])
    expect(bare.accepted(BASE)).to.deep.equal([BASE])
  })

  it('compresses a payload sent to many peers once', () => {
    const sender = compression('on')
    const payload = jsonLike(4096)
    const frames = ['a', 'b', 'c'].map(peer => sender.packer(`${BASE}/zstd`, peer)?.(payload))
    expect(frames[1]).to.equal(frames[0])
    expect(frames[2]).to.equal(frames[0])
    expect(sender.stats.compressedFrames).to.equal(3)
  })

  for (const codec of ['zstd', 'deflate'] as const) {
    it(`compresses a 4 KiB JSON-like frame with ${codec} by at least 30 % and inflates it back`, () => {
      const sender = compression('on')
      const pack = sender.packer(`${BASE}/${codec}`, 'peer')
      expect(pack).to.be.a('function')
      const payload = jsonLike(4096)
      const frame = pack?.(payload) ?? payload
      expect(frame[0]).to.equal(COMPRESSED_MARK)
      expect(frame.byteLength).to.be.below(payload.byteLength * 0.7)
      expect(sender.stats).to.include({ compressedFrames: 1, compressedBytesIn: payload.byteLength, compressedBytesOut: frame.byteLength })
      const receiver = compression('off')
      expect(receiver.unpack(frame, LIMIT)).to.deep.equal(payload)
      expect(receiver.stats).to.include({ inflatedFrames: 1, inflatedBytesIn: frame.byteLength, inflatedBytesOut: payload.byteLength })
    })
  }

  it('leaves frames plain below the threshold, when they do not shrink, on a plain stream, and under auto on a short round trip', () => {
    const sender = compression('auto')
    const small = jsonLike(1000)
    const large = jsonLike(4096)
    const random = crypto.getRandomValues(new Uint8Array(4096))
    sender.observeRtt('far', 25)
    const pack = sender.packer(`${BASE}/zstd`, 'far')
    expect(pack?.(small)).to.equal(small)
    expect(pack?.(random)).to.equal(random)
    expect(sender.stats.incompressibleFrames).to.equal(1)
    expect(pack?.(large)).to.not.equal(large)
    expect(sender.packer(BASE, 'far')).to.equal(undefined)
    // auto on a link whose shortest round trip seen is under 10 ms: plain, and a shorter sample counts at once
    sender.observeRtt('near', 12)
    const near = sender.packer(`${BASE}/zstd`, 'near')
    expect(near?.(large)).to.not.equal(large)
    sender.observeRtt('near', 40)
    sender.observeRtt('near', 2)
    expect(near?.(large)).to.equal(large)
    // a plain frame is read as it is
    expect(sender.unpack(small, LIMIT)).to.equal(small)
  })

  it('refuses a frame naming a codec it does not have, a corrupt body, and one that inflates past the limit', () => {
    const receiver = compression('off')
    expect(() => receiver.unpack(new Uint8Array([COMPRESSED_MARK, 9, 1, 2, 3]), LIMIT)).to.throw(MalformedFrameError, /codec 9/)
    expect(() => receiver.unpack(new Uint8Array([COMPRESSED_MARK]), LIMIT)).to.throw(MalformedFrameError)
    expect(() => receiver.unpack(new Uint8Array([COMPRESSED_MARK, 1, 0xff, 0xff, 0xff]), LIMIT)).to.throw(MalformedFrameError, /deflate/)
    // 64 MiB of zeros deflate to about 64 KiB: inflating stops at the limit instead of taking the memory
    const bomb = deflateRawSync(new Uint8Array(64 * 1024 * 1024), { level: 9 })
    const frame = new Uint8Array([COMPRESSED_MARK, 1, ...bomb])
    expect(() => receiver.unpack(frame, LIMIT)).to.throw(FrameTooLargeError)
    // and a node without zstd refuses a zstd frame by name
    const zstdFrame = compression('zstd').packer(`${BASE}/zstd`, 'peer')?.(jsonLike(4096))
    const withoutZstd = new FrameCompression({ mode: 'on', threshold: 1024 }, nodeFrameCodecs().filter(c => c.name !== 'zstd'))
    expect(() => withoutZstd.unpack(zstdFrame ?? new Uint8Array(), LIMIT)).to.throw(MalformedFrameError, /codec 2/)
  })
})
