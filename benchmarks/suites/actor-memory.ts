// actor-memory: bytes of heap per idle actor on one node. Each figure is measured in a fresh process with
// --expose-gc (benchmarks/actor-memory/child.ts): one node up, full gc, N things created and held, full gc again.
// Baseline: N plain { node, id } objects in a Map, the floor any table of actor refs pays.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runJsonChild } from '../lib/json-child.ts'
import { makeResult, round2, sig3 } from '../lib/result.ts'
import { errorMessage } from '../lib/util.ts'
import type { MemorySample, MemoryKind } from '../actor-memory/child.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'actor-memory', 'child.ts')
/** the figure: 1,000,000 idle actors in under 1 GiB */
const TARGET_BYTES = 1024
const ACTORS = 1_000_000
/** named actors: enough that the name table's per-entry cost shows above the noise of a node */
const NAMED = 100_000
/** tombstones: an hour of stops at 28 a second, the most a table keeps by default */
const TOMBSTONES = 100_000
const CHILD_TIMEOUT_MS = 90_000

interface Measurement {
  subject: string
  kind: MemoryKind
  count: number
}

const MEASUREMENTS: Measurement[] = [
  { subject: 'plain { node, id } in a Map (baseline)', kind: 'baseline', count: ACTORS },
  { subject: 'Foundation actor', kind: 'actors', count: ACTORS },
  { subject: 'Foundation actor with a name (name table included)', kind: 'named', count: NAMED },
  { subject: 'Foundation distributed actor (name table included)', kind: 'distributed', count: ACTORS },
  { subject: 'tombstone of a distributed actor stopped on another member', kind: 'tombstone', count: TOMBSTONES }
]

export async function run (): Promise<BenchResult> {
  const notes: string[] = [
    'each row measured in a child process of its own (node --expose-gc): one Foundation node started on 127.0.0.1 (no discovery), full gc until the heap stops shrinking, N items created and held, full gc again; value = growth of heapUsed + external over N (process.memoryUsage(); arrayBuffers is already part of external)',
    `Foundation actor: ${ACTORS.toLocaleString('en-US')} actors of a class with one number field, spawned one after the other by node.spawn() with no name`,
    `baseline: ${ACTORS.toLocaleString('en-US')} objects { node, id } (id base-36 like an actor id) in a Map keyed by id, the least any table of actors pays per entry`,
    `named: ${NAMED.toLocaleString('en-US')} actors spawned with a name, so the name table holds each name too (one entry, also indexed as a name this node holds); measured a second after the last registration, once its batch of writes has gone out; justRegisteredBytesPerItem is the figure right after the last registration`,
    `distributed: ${ACTORS.toLocaleString('en-US')} distributed actors (spawn with distribute: true, so each has a name and an entry in the name table every node keeps), all placed on this one node; in a cluster every other node holds an entry for each of them too`,
    `tombstone: ${TOMBSTONES.toLocaleString('en-US')} stops of distributed actors held by 4 other members (each with arguments and a checkpoint setting) decoded from name-protocol frames, checked as every frame is, and merged into a name table, which keeps them an hour; what one costs decides how many stops a second a node can remember`,
    'rssDelta (growth of the resident set) is kept for reference: it includes heap the collector has not returned to the system'
  ]
  const results: SubjectResult[] = []
  for (const m of MEASUREMENTS) {
    try {
      const sample = await runJsonChild<MemorySample>({
        script: CHILD,
        execArgv: ['--expose-gc'],
        env: { BENCH_MEMORY_KIND: m.kind, BENCH_MEMORY_COUNT: String(m.count) },
        timeoutMs: CHILD_TIMEOUT_MS
      })
      if (sample.held !== m.count) {
        notes.push(`${m.subject}: ${sample.held} held of ${m.count}, not measured`)
        continue
      }
      results.push({
        subject: m.subject,
        value: sig3(sample.bytesPerItem),
        count: sample.count,
        heapUsedDelta: sample.heapUsedDelta,
        externalDelta: sample.externalDelta,
        rssDelta: sample.rssDelta,
        createMs: sample.createMs,
        ...(sample.justRegisteredBytesPerItem != null ? { justRegisteredBytesPerItem: sig3(sample.justRegisteredBytesPerItem) } : {})
      })
    } catch (err) {
      notes.push(`${m.subject} not measured: ${errorMessage(err)}`)
    }
  }

  const baseline = results.find(r => r.subject === MEASUREMENTS[0].subject)
  const ours = results.find(r => r.subject === MEASUREMENTS[1].subject)
  if (ours != null) {
    notes.push(`at this rate 1,000,000 idle actors take ${round2(ours.value * 1_000_000 / 2 ** 30)} GiB of heap`)
  }
  return makeResult({
    name: 'actor-memory',
    unit: 'bytes per item',
    results,
    ratio: ours != null && baseline != null ? round2(ours.value / baseline.value) : null,
    ratioOf: 'Foundation actor / plain object in a Map (lower is better)',
    target: `Foundation actor: <= ${TARGET_BYTES} bytes`,
    met: ours != null ? ours.value <= TARGET_BYTES : null,
    notes
  })
}
