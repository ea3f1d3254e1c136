// One memory measurement of the actor-memory suite, in a process of its own started with --expose-gc:
// one real node on 127.0.0.1, then COUNT things of one KIND held alive, then the growth of the heap.
//
//   BENCH_MEMORY_KIND   'actors' (unnamed actors through node.spawn), 'named' (actors with a name, which the
//                       name table keeps too), 'distributed' (distributed actors, with their name table entries)
//                       'tombstone' (stops of distributed actors of other members, as frames, kept in a name table)
//                       or 'baseline' (plain { node, id } objects in a Map)
//   BENCH_MEMORY_COUNT  how many
//
// It prints one line of JSON (a MemorySample) on stdout and exits.
/* eslint-disable no-console */
import { startFoundationNode } from '../../src/cluster/start-node.ts'
import { resolveConfig } from '../../src/config/resolve.ts'
import { settledMemory } from '../lib/settled-memory.ts'
import { learnTombstones } from './tombstones.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { NameTable } from '../../src/names/name-table.ts'

export type MemoryKind = 'actors' | 'named' | 'distributed' | 'tombstone' | 'baseline'

export interface MemorySample {
  kind: MemoryKind
  count: number
  /** heapUsed + external after a full gc, before and after; arrayBuffers is part of external already */
  before: number
  after: number
  /** (after - before) / count */
  bytesPerItem: number
  heapUsedDelta: number
  externalDelta: number
  rssDelta: number
  /** how many the node reports it runs (processes), a check that they all exist */
  held: number
  /** ms to create them all */
  createMs: number
  /**
   * named only: bytes per item right after the last registration, while each write's timeout timers (lookup
   * and write, each an AbortSignal.timeout) are still pending; bytesPerItem is measured once they have lapsed
   */
  justRegisteredBytesPerItem?: number
}

/** The smallest useful actor: one field of state, a handler that answers with it. */
class IdleActor {
  count = 0

  receive (): number {
    return this.count++
  }
}

const gc = (globalThis as { gc?(): void }).gc
if (gc == null) { throw new Error('run with --expose-gc') }
const gcNow = gc

async function hold (node: FoundationNode, kind: MemoryKind, count: number): Promise<unknown> {
  if (kind === 'baseline') {
    const table = new Map<string, { node: string, id: string }>()
    for (let i = 1; i <= count; i++) {
      const id = i.toString(36)
      table.set(id, { node: node.id, id })
    }
    return table
  }
  if (kind === 'tombstone') { return learnTombstones(node.id, count) }
  if (kind === 'distributed') { node.define(IdleActor) }
  for (let i = 0; i < count; i++) {
    await node.spawn(IdleActor, kind === 'actors' ? {} : { name: `idle-${i}`, distribute: kind === 'distributed' })
  }
  return undefined
}

const kind = process.env.BENCH_MEMORY_KIND as MemoryKind
const count = Number(process.env.BENCH_MEMORY_COUNT)
if (!['actors', 'named', 'distributed', 'tombstone', 'baseline'].includes(kind) || !Number.isInteger(count) || count < 1) {
  throw new Error('BENCH_MEMORY_KIND must be actors, named, distributed, tombstone or baseline and BENCH_MEMORY_COUNT a positive integer')
}

const node = await startFoundationNode(resolveConfig({
  clusterName: `bench-memory-${process.pid}`,
  listen: ['/ip4/127.0.0.1/tcp/0'],
  discovery: { mdns: false },
  http: { enabled: false }
}))
try {
  const before = await settledMemory(gcNow)
  const started = performance.now()
  const kept = await hold(node, kind, count)
  const createMs = performance.now() - started
  let after = await settledMemory(gcNow)
  let justRegistered: number | undefined
  if (kind === 'named') {
    justRegistered = (after.total - before.total) / count
    // the writes of the last tick go out in batches: let them and their buffers go before the second reading
    await new Promise(resolve => setTimeout(resolve, 1000))
    after = await settledMemory(gcNow)
  }
  const held = kind === 'baseline' ? (kept as Map<string, unknown>).size : kind === 'tombstone' ? (kept as NameTable).size : node.info().node.processes
  const sample: MemorySample = {
    kind,
    count,
    before: before.total,
    after: after.total,
    bytesPerItem: (after.total - before.total) / count,
    heapUsedDelta: after.heapUsed - before.heapUsed,
    externalDelta: after.external - before.external,
    rssDelta: after.rss - before.rss,
    held,
    createMs: Math.round(createMs),
    ...(justRegistered != null ? { justRegisteredBytesPerItem: justRegistered } : {})
  }
  console.log(JSON.stringify(sample))
} finally {
  await node.stop()
}
