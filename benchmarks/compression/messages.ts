// JSON-like messages of a given encoded size: arrays of order records with repeated keys and varied values, as services
// exchange. Values come from a seeded generator, so every run sends the same bytes.
import { Packr } from 'msgpackr'
import { seededRandom } from '../../src/membership/swim/random.ts'

const WORDS = ['apple', 'pear', 'plum', 'fig', 'kiwi', 'lime', 'mango', 'peach', 'grape', 'melon', 'cherry', 'lemon']
const STATES = ['new', 'paid', 'packed', 'shipped', 'delivered', 'returned']

function record (random: () => number, i: number): Record<string, unknown> {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  return {
    id: 100_000 + i,
    customer: { id: Math.floor(random() * 1e6), email: `${pick(WORDS)}.${pick(WORDS)}${Math.floor(random() * 100)}@example.com` },
    items: Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({ sku: `SKU-${Math.floor(random() * 99999)}`, name: `${pick(WORDS)} ${pick(WORDS)}`, qty: 1 + Math.floor(random() * 5), price: Math.round(random() * 10_000) / 100 })),
    state: pick(STATES),
    createdAt: new Date(1_760_000_000_000 + Math.floor(random() * 1e9)).toISOString()
  }
}

/** A message whose MessagePack encoding is at least `bytes` long (the records that reach it, no more). */
export function jsonLikeMessage (bytes: number, seed = 1): Array<Record<string, unknown>> {
  const packr = new Packr({ useRecords: false })
  const random = seededRandom(seed)
  const records: Array<Record<string, unknown>> = []
  let size = 0
  while (size < bytes) {
    const next = record(random, records.length)
    records.push(next)
    size += packr.pack(next).byteLength
  }
  return records
}

/** Its encoded size, as the wire carries it before compression. */
export function encodedSize (message: unknown): number {
  return new Packr({ useRecords: false }).pack(message).byteLength
}
