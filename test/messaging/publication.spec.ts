import { expect } from 'aegir/chai'
import { PublicationBatches } from '../../src/messaging/pubsub/publication-batches.ts'
import { PUBLICATION_ID_LENGTH, PublicationIds, decodePublication, encodePublication } from '../../src/messaging/pubsub/publication.ts'
import { Codec } from '../../src/wire/codec.ts'
import { MalformedFrameError } from '../../src/wire/errors.ts'

describe('publications', () => {
  const codec = new Codec()

  it('round-trips a batch with its sender, in order', () => {
    const ids = new PublicationIds()
    const data = encodePublication(ids.next(), 'peer-a', [codec.encode({ n: 1 }), codec.encode('two')])
    expect(decodePublication(codec, data, 1024)).to.deep.equal({ from: 'peer-a', bodies: [{ n: 1 }, 'two'] })
  })

  it('gives every publication a distinct id', () => {
    const ids = new PublicationIds()
    const seen = new Set(Array.from({ length: 1000 }, () => Buffer.from(ids.next()).toString('hex')))
    expect(seen.size).to.equal(1000)
  })

  it('rejects another version, a cut-off batch and a missing body', () => {
    const ids = new PublicationIds()
    const data = encodePublication(ids.next(), 'peer-a', [codec.encode('x'.repeat(50))])
    const otherVersion = data.slice()
    otherVersion[PUBLICATION_ID_LENGTH] = 9
    expect(() => decodePublication(codec, otherVersion, 1024)).to.throw(MalformedFrameError)
    expect(() => decodePublication(codec, data.subarray(0, data.byteLength - 10), 1024)).to.throw(/missing/)
    expect(() => decodePublication(codec, encodePublication(ids.next(), 'peer-a', []), 1024)).to.throw(MalformedFrameError)
    expect(() => decodePublication(codec, data, 16)).to.throw(/limit/)
  })

  it('sends the publishes of one turn as one batch, and cuts batches at the size limit', async () => {
    const sent: Array<{ topic: string, sizes: number[] }> = []
    const batches = new PublicationBatches({
      maxBytes: 256 + 3 * 105,
      send: async (topic, bodies) => { sent.push({ topic, sizes: bodies.map(b => b.byteLength) }) },
      onError: () => {}
    })
    for (let i = 0; i < 5; i++) { batches.add('a', new Uint8Array(100)) }
    batches.add('b', new Uint8Array(1))
    expect(batches.pendingBytes).to.equal(501)
    await new Promise(resolve => setImmediate(resolve))
    await batches.drained()
    expect(sent).to.deep.equal([
      { topic: 'a', sizes: [100, 100, 100] },
      { topic: 'a', sizes: [100, 100] },
      { topic: 'b', sizes: [1] }
    ])
    expect(batches.pendingBytes).to.equal(0)
  })

  it('reports a batch gossipsub could not send, with its size', async () => {
    const failures: Array<[string, number]> = []
    const batches = new PublicationBatches({
      maxBytes: 4096,
      send: async () => { throw new Error('no route') },
      onError: (err, topic, count) => { failures.push([`${topic}: ${err.message}`, count]) }
    })
    batches.add('t', new Uint8Array(1))
    batches.add('t', new Uint8Array(1))
    await new Promise(resolve => setImmediate(resolve))
    await batches.drained()
    expect(failures).to.deep.equal([['t: no route', 2]])
  })
})
