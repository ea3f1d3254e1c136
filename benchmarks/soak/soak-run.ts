// The soak's child process (run with --expose-gc): 4 Foundation nodes in this process on the memory transport, kept
// busy for SOAK_MINUTES with sends, calls, publications, spawns and stops of named and distributed actors, and a node
// that leaves and a new one that joins every SOAK_CHURN_MS. Every SOAK_SAMPLE_MS the heap is collected until it stops
// shrinking and read with the RSS. Prints one line of JSON: the samples and what the load did.
/* eslint-disable no-console */
import { join } from 'node:path'
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8'
import { startMemoryCluster, waitFormed } from '../lib/memory-cluster.ts'
import { settledMemory } from '../lib/settled-memory.ts'
import { delay } from '../lib/util.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30)
/** a folder: a heap snapshot is written there at each sample, to diff when the heap grows */
const SNAPSHOTS = process.env.SOAK_HEAP_SNAPSHOTS
const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_MS ?? 60_000)
const CHURN_MS = Number(process.env.SOAK_CHURN_MS ?? 60_000)
/** per second, over the whole cluster */
const SENDS = Number(process.env.SOAK_SENDS ?? 5000)
const CALLS = Number(process.env.SOAK_CALLS ?? 200)
const PUBLICATIONS = Number(process.env.SOAK_PUBLICATIONS ?? 200)
/** named actors spawned and as many stopped per second, and distributed ones */
const SPAWNS = Number(process.env.SOAK_SPAWNS ?? 5)
const DISTRIBUTED_SPAWNS = Number(process.env.SOAK_DISTRIBUTED_SPAWNS ?? 1)
/**
 * registry.tombstoneTtl: how long a stopped distributed actor is remembered. The default hour would have the
 * tombstones fill for the first 60 minutes, longer than the run; 5 minutes lets the warm-up see them level
 */
const TOMBSTONE_TTL = Number(process.env.SOAK_TOMBSTONE_TTL ?? 300_000)
const NODES = 4
/** nodes 0 and 1 never leave: the load's own actors live there */
const STABLE = 2
/** actors of each kind alive at once: spawns beyond it stop the oldest */
const KEEP = 50
const TICKS_PER_SECOND = 10
const TOPIC = 'soak'

const exposedGc = (globalThis as { gc?(): void }).gc
if (exposedGc == null) { throw new Error('run with --expose-gc') }
const gc: () => void = exposedGc

class Sink {
  static received = 0
  receive (message: { call?: number }): number | undefined {
    Sink.received++
    return message.call
  }
}

class Worker {
  count = 0
  receive (): number { return ++this.count }
}

interface Sample {
  minute: number
  rssMB: number
  heapMB: number
  externalMB: number
  /** MB used in each of V8's heap spaces: old objects, compiled code, large objects... */
  spacesMB: Record<string, number>
  /** what each node's parts hold that could grow, summed over the live nodes */
  held: Record<string, number>
}

const round1 = (n: number): number => Math.round(n * 10) / 10
const MB = 1024 * 1024

const counts = { sent: 0, calls: 0, answered: 0, callErrors: {} as Record<string, number>, published: 0, delivered: 0, spawned: 0, stopped: 0, distributedSpawned: 0, distributedStopped: 0, joins: 0, leaves: 0 }

const cluster = await startMemoryCluster({ nodes: NODES, clusterPrefix: 'soak', init: { membership: { probeInterval: 500, probeTimeout: 200, suspectTimeout: 1500 }, registry: { tombstoneTtl: TOMBSTONE_TTL } } })
let live: FoundationNode[] = [...cluster.nodes]
if (!await waitFormed(live, 60_000)) { throw new Error('the soak cluster did not form in 60 s') }
const subscribe = (node: FoundationNode): void => { node.pubsub.subscribe(TOPIC, () => { counts.delivered++ }) }
for (const node of live) { subscribe(node); node.define(Worker) }
const sinks = await Promise.all(live.slice(0, STABLE).map(async (node, i) => node.spawn(Sink, { name: `sink-${i}` })))

const named: string[] = []
const distributed: string[] = []
let serial = 0

function pick<T> (list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)]
}

function callError (err: Error): void {
  counts.callErrors[err.name] = (counts.callErrors[err.name] ?? 0) + 1
}

/** One tenth of a second's load. */
async function tick (): Promise<void> {
  for (let i = 0; i < SENDS / TICKS_PER_SECOND; i++) {
    pick(live).send(sinks[i % STABLE], { n: i })
    counts.sent++
  }
  for (let i = 0; i < CALLS / TICKS_PER_SECOND; i++) {
    counts.calls++
    pick(live).call(sinks[i % STABLE], { call: i }, { timeout: 10_000 }).then(() => { counts.answered++ }, callError)
  }
  for (let i = 0; i < PUBLICATIONS / TICKS_PER_SECOND; i++) {
    counts.published++
    pick(live).pubsub.publish(TOPIC, { n: counts.published }).catch(() => {})
  }
  if (serial % (TICKS_PER_SECOND / Math.max(1, SPAWNS)) < 1) {
    const name = `named-${serial}`
    await live[serial % STABLE].spawn(Worker, { name }).then(() => { named.push(name); counts.spawned++ }, () => {})
    if (named.length > KEEP) { await live[0].stopActor(named.shift() as string).then(() => { counts.stopped++ }, () => {}) }
  }
  if (DISTRIBUTED_SPAWNS > 0 && serial % Math.round(TICKS_PER_SECOND / DISTRIBUTED_SPAWNS) === 0) {
    const name = `distributed-${serial}`
    await pick(live).spawn(Worker, { name, distribute: true }).then(() => { distributed.push(name); counts.distributedSpawned++ }, () => {})
    if (distributed.length > KEEP) { await pick(live).stopActor(distributed.shift() as string).then(() => { counts.distributedStopped++ }, () => {}) }
  }
  serial++
}

/** A node that is not one of the stable ones leaves gracefully, and a new one joins in its place. */
async function churn (): Promise<void> {
  const leaving = live[STABLE + Math.floor(Math.random() * (live.length - STABLE))]
  live = live.filter(n => n !== leaving)
  await leaving.stop()
  // the cluster helper keeps every node it started, by index; a stopped one kept would read as a leak of this process
  cluster.nodes[cluster.nodes.indexOf(leaving)] = undefined as unknown as FoundationNode
  counts.leaves++
  const [joined] = await cluster.grow(1)
  subscribe(joined)
  joined.define(Worker)
  live.push(joined)
  counts.joins++
}

/** What the live nodes hold in the parts that could grow with time rather than with the cluster. */
function held (): Record<string, number> {
  const sum = (f: (n: FoundationNode) => number): number => live.reduce((total, n) => total + f(n), 0)
  return {
    names: sum(n => n.names.knownNames()),
    tombstones: sum(n => n.names.tombstones()),
    actors: sum(n => n.actors.count),
    events: sum(n => n.eventLog.recent().length),
    connections: sum(n => n.host.getConnections().length),
    members: sum(n => n.membership.members().length)
  }
}

function spaces (): Record<string, number> {
  return Object.fromEntries(getHeapSpaceStatistics().map(s => [s.space_name.replace(/_space$/, ''), round1(s.space_used_size / MB)]))
}

const samples: Sample[] = []
async function sample (minute: number): Promise<void> {
  const memory = await settledMemory(gc)
  if (SNAPSHOTS != null) { writeHeapSnapshot(join(SNAPSHOTS, `soak-${samples.length}.heapsnapshot`)) }
  samples.push({ minute: round1(minute), rssMB: round1(memory.rss / MB), heapMB: round1(memory.heapUsed / MB), externalMB: round1(memory.external / MB), spacesMB: spaces(), held: held() })
  console.error(`soak ${round1(minute)} min: heap ${round1(memory.heapUsed / MB)} MB, rss ${round1(memory.rss / MB)} MB, ${JSON.stringify(counts)}`)
}

const started = Date.now()
const end = started + MINUTES * 60_000
let nextSample = started
let nextChurn = started + CHURN_MS
try {
  while (Date.now() < end) {
    if (Date.now() >= nextSample) {
      await sample((Date.now() - started) / 60_000)
      nextSample += SAMPLE_MS
    }
    if (Date.now() >= nextChurn) {
      await churn()
      nextChurn += CHURN_MS
    }
    const tickStarted = Date.now()
    await tick()
    await delay(Math.max(0, 1000 / TICKS_PER_SECOND - (Date.now() - tickStarted)))
  }
  // the last calls and publications in flight come in before the final figures
  await delay(2000)
  await sample((Date.now() - started) / 60_000)
  counts.delivered = Math.round(counts.delivered)
  console.log(JSON.stringify({ minutes: MINUTES, tombstoneTtl: TOMBSTONE_TTL, samples, counts: { ...counts, received: Sink.received }, nodes: NODES }))
} finally {
  await cluster.close()
}
