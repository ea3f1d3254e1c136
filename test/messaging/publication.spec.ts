import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { ForgedPublicationError } from '../../src/messaging/errors.ts'
import { PublicationBatches } from '../../src/messaging/pubsub/publication-batches.ts'
import { PUBLICATION_ID_LENGTH, PublicationIds, decodePublication, encodePublication } from '../../src/messaging/pubsub/publication.ts'
import { PeerKeys, SigningKey } from '../../src/node/node-keys.ts'
import { nodeKeyCrypto } from '../../src/platform/node/node-crypto.ts'
import { Codec } from '../../src/wire/codec.ts'
import { MalformedFrameError } from '../../src/wire/errors.ts'
import type { Sign } from '../../src/messaging/pubsub/publication.ts'

describe('publications', () => {
  const codec = new Codec()
  const keys = new PeerKeys(16, nodeKeyCrypto())
  let a: string
  let signA: Sign, signB: Sign

  before(async () => {
    const [keyA, keyB] = await Promise.all([generateKeyPair('Ed25519'), generateKeyPair('Ed25519')])
    a = peerIdFromPrivateKey(keyA).toString()
    const [ownA, ownB] = [new SigningKey(keyA, nodeKeyCrypto()), new SigningKey(keyB, nodeKeyCrypto())]
    signA = (data) => ownA.signDigestOf(data)
    signB = (data) => ownB.signDigestOf(data)
  })

  it('round-trips a batch with its sender, in order', () => {
    const ids = new PublicationIds()
    const data = encodePublication(ids.next(), a, [codec.encode({ n: 1 }), codec.encode('two')], signA)
    expect(decodePublication(codec, data, 1024, keys)).to.deep.equal({ from: a, bodies: [{ n: 1 }, 'two'] })
  })

  it('refuses a batch its named sender did not sign: another node\'s signature, a changed byte, a new id', () => {
    const ids = new PublicationIds()
    const claimed = encodePublication(ids.next(), a, [codec.encode('as a')], signB)
    expect(() => decodePublication(codec, claimed, 1024, keys)).to.throw(ForgedPublicationError, a)
    const data = encodePublication(ids.next(), a, [codec.encode('as a')], signA)
    const changed = data.slice()
    changed[data.byteLength - 65] ^= 1
    expect(() => decodePublication(codec, changed, 1024, keys)).to.throw(ForgedPublicationError)
    const replayed = data.slice()
    replayed[0] ^= 1
    expect(() => decodePublication(codec, replayed, 1024, keys)).to.throw(ForgedPublicationError)
    // a sender that is no peer id has no key to sign with
    expect(() => decodePublication(codec, encodePublication(ids.next(), 'peer-a', [codec.encode('x')], signA), 1024, keys)).to.throw(ForgedPublicationError)
  })

  it('takes a batch that came straight from the sender it names on its connection\'s word, and checks one a relay passed on', () => {
    const ids = new PublicationIds()
    const unsigned = encodePublication(ids.next(), a, [codec.encode('direct')], () => new Uint8Array(64))
    expect(decodePublication(codec, unsigned, 1024, keys, a)).to.deep.equal({ from: a, bodies: ['direct'] })
    expect(() => decodePublication(codec, unsigned, 1024, keys, 'a-relay')).to.throw(ForgedPublicationError)
    const signed = encodePublication(ids.next(), a, [codec.encode('relayed')], signA)
    expect(decodePublication(codec, signed, 1024, keys, 'a-relay')).to.deep.equal({ from: a, bodies: ['relayed'] })
  })

  it('gives every publication a distinct id', () => {
    const ids = new PublicationIds()
    const seen = new Set(Array.from({ length: 1000 }, () => Buffer.from(ids.next()).toString('hex')))
    expect(seen.size).to.equal(1000)
  })

  it('rejects another version, a cut-off batch and a missing body', () => {
    const ids = new PublicationIds()
    const data = encodePublication(ids.next(), a, [codec.encode('x'.repeat(50))], signA)
    const otherVersion = data.slice()
    otherVersion[PUBLICATION_ID_LENGTH] = 9
    expect(() => decodePublication(codec, otherVersion, 1024, keys)).to.throw(MalformedFrameError)
    // cut off: the bytes taken for the signature end a frame early
    expect(() => decodePublication(codec, data.subarray(0, data.byteLength - 10), 1024, keys)).to.throw(/missing/)
    expect(() => decodePublication(codec, data.subarray(0, 20), 1024, keys)).to.throw(/shorter/)
    expect(() => decodePublication(codec, encodePublication(ids.next(), a, [], signA), 1024, keys)).to.throw(MalformedFrameError)
    expect(() => decodePublication(codec, data, 16, keys)).to.throw(/limit/)
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
