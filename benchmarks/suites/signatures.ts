// signatures: what proving a publication's sender costs. A batch of 1 KiB messages goes through what a publisher and a
// subscriber do with it (encode the bodies, frame the batch, decode it back), once unsigned and once signed by the
// publisher (the SHA-256 of the batch) and checked by the subscriber as a relayed batch is, side by side in this
// process. The ratio is the signed path's time over the unsigned one's; a batch that came straight from its publisher
// skips the check.
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { PublicationIds, decodePublication, encodePublication } from '../../src/messaging/pubsub/publication.ts'
import { PeerKeys, SIGNATURE_LENGTH, SigningKey } from '../../src/node/node-keys.ts'
import { nodeKeyCrypto } from '../../src/platform/node/node-crypto.ts'
import { Codec } from '../../src/wire/codec.ts'
import { makeResult, round2 } from '../lib/result.ts'
import { median } from '../lib/stats.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'

const MESSAGE_BYTES = 1024
/** messages per batch: one publish alone in its turn, a few, a burst */
const BATCHES = [1, 16, 256]
/** bytes of messages timed per round, whatever the batch size */
const BYTES_PER_ROUND = 8 * 1024 * 1024
const ROUNDS = 5

interface Path { name: string, sign(data: Uint8Array): Uint8Array, relay(from: string): string }

/** µs per batch of `size` messages through encode and decode on `path`, median of the rounds. */
function timePerBatch (size: number, path: Path, from: string, keys: PeerKeys): number {
  const codec = new Codec()
  const ids = new PublicationIds()
  const messages = Array.from({ length: size }, () => ({ body: randomBytes(MESSAGE_BYTES) }))
  const batches = Math.max(1, Math.floor(BYTES_PER_ROUND / (size * MESSAGE_BYTES)))
  const rounds: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now()
    for (let i = 0; i < batches; i++) {
      const data = encodePublication(ids.next(), from, messages.map(m => codec.encode(m)), path.sign)
      const publication = decodePublication(codec, data, 2 * MESSAGE_BYTES, keys, path.relay(from))
      if (publication.bodies.length !== size) { throw new Error(`a batch of ${size} decoded to ${publication.bodies.length}`) }
    }
    rounds.push((performance.now() - started) * 1000 / batches)
  }
  return median(rounds)
}

export async function run (): Promise<BenchResult> {
  const privateKey = await generateKeyPair('Ed25519')
  const from = peerIdFromPrivateKey(privateKey).toString()
  const crypto = nodeKeyCrypto()
  const own = new SigningKey(privateKey, crypto)
  const keys = new PeerKeys(16, crypto)
  const paths: Path[] = [
    // the sender's connection vouches for it: no signature is made or read
    { name: 'unsigned (reference)', sign: () => new Uint8Array(SIGNATURE_LENGTH), relay: (sender) => sender },
    { name: 'Foundation: signed, checked as relayed', sign: (data) => own.signDigestOf(data), relay: () => 'a-relay' },
    { name: 'Foundation: signed, straight from the publisher', sign: (data) => own.signDigestOf(data), relay: (sender) => sender }
  ]
  const results: SubjectResult[] = []
  const perSize: Record<string, Record<number, number>> = {}
  for (const path of paths) {
    perSize[path.name] = {}
    for (const size of BATCHES) { perSize[path.name][size] = round2(timePerBatch(size, path, from, keys)) }
  }
  for (const path of paths) {
    results.push({ subject: path.name, value: perSize[path.name][16], microsecondsPerBatch: perSize[path.name] })
  }
  const unsigned = perSize[paths[0].name]
  const relayed = perSize[paths[1].name]
  const ratios = Object.fromEntries(BATCHES.map(size => [size, round2(relayed[size] / unsigned[size])]))
  return makeResult({
    name: 'signatures',
    unit: 'µs per batch of 16 messages of 1 KiB, encoded and decoded',
    results,
    ratio: ratios[16],
    ratioOf: 'signed and checked / unsigned time per batch (lower is better)',
    // a measure of the cost, with no target of its own: pub/sub's target is on throughput end to end (pubsub)
    target: 'none (the pubsub suite\'s throughput target applies end to end)',
    met: null,
    notes: [
      `per batch of ${BATCHES.join(', ')} messages: signed and checked / unsigned = ${BATCHES.map(size => ratios[size]).join(', ')}`,
      'one Ed25519 signature per batch, made by the publisher and checked by each node that got the batch from a relay (gossipsub past the publisher\'s own links, the overlay\'s tree); a batch straight from its publisher is taken on its connection\'s word',
      `${ROUNDS} rounds of ${BYTES_PER_ROUND / 1024 / 1024} MiB of messages per batch size, median`
    ]
  })
}
