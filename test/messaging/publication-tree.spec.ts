// The pieces that carry publications over the broadcast tree: the payload check, the batch's tree id, and the memory
// of ids that drops the copy coming second by the other path.
import { expect } from 'aegir/chai'
import { treeIdOf, validateTreePublication } from '../../src/messaging/pubsub/publication-tree.ts'
import { PUBLICATION_ID_LENGTH, PublicationIds, encodePublication } from '../../src/messaging/pubsub/publication.ts'
import { SeenPublications } from '../../src/messaging/pubsub/seen-publications.ts'
import { Codec } from '../../src/wire/codec.ts'
import { MalformedFrameError } from '../../src/wire/errors.ts'

describe('publications over the broadcast tree', () => {
  const codec = new Codec()
  const ids = new PublicationIds()
  // the tree carries batches as bytes: whether their signature holds is checked where they are delivered
  const unsigned = (): Uint8Array => new Uint8Array(64)

  it('accepts a topic and a batch, and names what is wrong with anything else', () => {
    const data = encodePublication(ids.next(), 'peer-a', [codec.encode('x')], unsigned)
    expect(validateTreePublication({ topic: 'orders', data, extra: 1 })).to.deep.equal({ topic: 'orders', data })
    for (const [value, reason] of [
      [null, /not an object/],
      [{ topic: '', data }, /topic/],
      [{ topic: 'x'.repeat(257), data }, /topic/],
      [{ topic: 'orders', data: 'bytes' }, /bytes/],
      [{ topic: 'orders', data: new Uint8Array(PUBLICATION_ID_LENGTH) }, /longer than the publication id/]
    ] as const) {
      expect(() => validateTreePublication(value)).to.throw(MalformedFrameError, reason)
    }
  })

  it('names a batch by its publication id, wherever its bytes sit', () => {
    const data = encodePublication(ids.next(), 'peer-a', [codec.encode('x')], unsigned)
    const copy = new Uint8Array(data.byteLength + 7)
    copy.set(data, 7)
    expect(treeIdOf(copy.subarray(7))).to.equal(treeIdOf(data)).and.to.have.lengthOf(2 * PUBLICATION_ID_LENGTH)
    expect(treeIdOf(encodePublication(ids.next(), 'peer-a', [codec.encode('x')], unsigned))).to.not.equal(treeIdOf(data))
  })

  it('remembers an id between half the retention and the retention, and forgets it after', () => {
    const seen = new SeenPublications(1000, 0)
    expect(seen.firstTime('a', 0)).to.equal(true)
    expect(seen.firstTime('a', 400)).to.equal(false)
    // rotated at 500: a is in the previous generation until 1000
    expect(seen.firstTime('b', 600)).to.equal(true)
    expect(seen.firstTime('a', 900)).to.equal(false)
    expect(seen.firstTime('a', 1000)).to.equal(true)
    expect(seen.firstTime('b', 1000)).to.equal(false)
    // a long quiet spell forgets everything at once
    expect(seen.firstTime('b', 5000)).to.equal(true)
    expect(seen.size).to.equal(1)
  })
})
