// A node process of the registry suite's memory figures, driven by benchmarks/lib/node-process.ts and started with
// NODE_OPTIONS=--expose-gc: one Foundation node on 127.0.0.1, answering JSON commands read from stdin, one a line.
// A process of its own per node, so that the heap each figure reads holds one node: the owner's names in one, what
// another member keeps of them in the other.
//
//   BENCH_REGISTRY_CLUSTER  cluster name
//   BENCH_REGISTRY_INDEX    0, 1, ...: the node's name is node-INDEX
//   BENCH_REGISTRY_PEERS    addresses of the nodes to join, comma-separated (none for the first)
//
// It exits when its stdin closes, without a graceful stop.
import { Foundation } from '../../src/index.ts'
import { settledMemory as settle } from '../lib/settled-memory.ts'
import { now } from '../lib/stats.ts'
import { serveCommands } from '../lib/stdio-commands.ts'
import { delay } from '../lib/util.ts'
import { actorNames, resolveAll, spawnInBatches } from './names.ts'
import type { SettledMemory } from '../lib/settled-memory.ts'
import type { Args, Commands } from '../lib/stdio-commands.ts'

export type { SettledMemory }

const gc = (globalThis as { gc?(): void }).gc
if (gc == null) { throw new Error('run with NODE_OPTIONS=--expose-gc') }
const gcNow = gc

const env = process.env
if (env.BENCH_REGISTRY_CLUSTER == null) { throw new Error('run by benchmarks/suites/registry.ts: BENCH_REGISTRY_CLUSTER must be set') }
const peers = (env.BENCH_REGISTRY_PEERS ?? '').split(',').filter(p => p !== '')

const cluster = await Foundation.start({
  clusterName: env.BENCH_REGISTRY_CLUSTER,
  name: `node-${env.BENCH_REGISTRY_INDEX ?? '0'}`,
  listen: ['/ip4/127.0.0.1/tcp/0'],
  discovery: { mdns: false, ...(peers.length > 0 ? { static: peers } : {}) },
  http: { enabled: false }
})

/** what the `baseline` command holds, so the collector keeps it */
let baseline: Map<string, { node: string, id: string }> | undefined

const COMMANDS: Commands = {
  async addresses () {
    return cluster.addresses()
  },

  async 'wait-members' (args: Args) {
    const deadline = Date.now() + Number(args.timeoutMs)
    while (cluster.info().nodes !== Number(args.count)) {
      if (Date.now() > deadline) { throw new Error(`${cluster.info().nodes} members, not ${String(args.count)}, after ${String(args.timeoutMs)} ms`) }
      await delay(20)
    }
    return { nodes: cluster.info().nodes }
  },

  async memory () {
    return settle(gcNow)
  },

  /** spawns count actors, named prefix+i when args.named; the answer counts them, its names are not sent back */
  async spawn (args: Args) {
    const outcome = await spawnInBatches(cluster, actorNames(String(args.prefix), Number(args.count)), {
      named: args.named === true,
      batch: Number(args.batch),
      deadline: now() + Number(args.budgetMs),
      overrunMs: Number(args.overrunMs)
    })
    return { spawned: outcome.spawned, errors: outcome.errors.toJSON(), timedOut: outcome.timedOut, ms: outcome.ms, processes: cluster.info().node.processes }
  },

  /** looks the names prefix+0 .. prefix+count-1 up until each has resolved once (see resolveAll) */
  async resolve (args: Args) {
    const outcome = await resolveAll(cluster, actorNames(String(args.prefix), Number(args.count)), {
      concurrency: Number(args.concurrency),
      deadline: now() + Number(args.budgetMs),
      pollMs: Number(args.pollMs)
    })
    return { missing: outcome.missing.length, lookups: outcome.lookups, rounds: outcome.rounds, errors: outcome.errors.toJSON(), ms: outcome.ms }
  },

  /** the floor: count { node, id } refs in a Map keyed by name, as any table of names pays */
  async baseline (args: Args) {
    baseline = new Map()
    for (const name of actorNames(String(args.prefix), Number(args.count))) {
      baseline.set(name, { node: cluster.id, id: baseline.size.toString(36) })
    }
    return { held: baseline.size }
  },

  async wait (args: Args) {
    await delay(Number(args.ms))
    return {}
  }
}

serveCommands(COMMANDS, { id: cluster.id, name: cluster.name })
