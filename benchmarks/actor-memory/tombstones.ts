// Tombstones as a node keeps them after the stops of distributed actors that ran on other members: each stop comes
// in as a frame of the name protocol, is decoded and checked as every frame is, and merged into the name table.
import { validateEntry } from '../../src/names/name-entry.ts'
import { NameTable } from '../../src/names/name-table.ts'
import { Codec } from '../../src/wire/codec.ts'
import type { DistributedNameEntry } from '../../src/names/name-entry.ts'

/** the members whose actors stopped: peer ids as long as real Ed25519 ones */
const HOLDERS = Array.from({ length: 4 }, (_, i) => `12D3KooW${String(i).padStart(44, 'x')}`)
const HOUR = 3_600_000

function stopFrame (codec: Codec, i: number): Uint8Array {
  const holder = HOLDERS[i % HOLDERS.length]
  const taken = { time: 1_800_000_000_000 + i, counter: 0, writer: holder }
  const stop: DistributedNameEntry = {
    kind: 'distributed',
    name: `distributed-${i}`,
    type: 'Worker',
    args: [{ user: `user-${i}` }],
    placement: 'rendezvous',
    roles: [],
    quorum: 0,
    checkpoint: { interval: 5000, replicas: 1 },
    holder,
    stopped: true,
    version: { time: taken.time + 1000, counter: 0, writer: holder },
    taken
  }
  // a copy: the codec packs into a buffer of its own that it reuses
  return codec.encode(['$names', ['update', [stop]]]).slice()
}

/** A name table holding `count` tombstones learned from frames. */
export function learnTombstones (self: string, count: number): NameTable {
  const codec = new Codec()
  const table = new NameTable({ self, tombstoneTtl: { local: HOUR, distributed: HOUR }, maxTombstones: count, now: Date.now })
  for (let i = 0; i < count; i++) {
    const [, [, entries]] = codec.decode(stopFrame(codec, i)) as [string, [string, unknown[]]]
    for (const entry of entries) { table.merge(validateEntry(entry)) }
  }
  return table
}
