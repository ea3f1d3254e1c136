// A node process of the failover and handoff benchmarks, driven by benchmarks/lib/node-process.ts: one Foundation
// node on 127.0.0.1 found by static discovery, answering JSON commands read from stdin, one a line.
//
//   BENCH_DIST_CLUSTER     cluster name          BENCH_DIST_INDEX   0..N-1
//   BENCH_DIST_LISTEN      its multiaddr         BENCH_DIST_PEERS   the others' multiaddrs, comma-separated
//   BENCH_DIST_MEMBERSHIP  membership settings as JSON
//
// It exits when its stdin closes or on SIGTERM, without a graceful stop (the `stop` command is the graceful one).
import { Foundation } from '../../src/index.ts'
import { wallClock } from '../lib/stats.ts'
import { serveCommands } from '../lib/stdio-commands.ts'
import { delay, errorMessage, forEachLimit } from '../lib/util.ts'
import { Counter } from './counter.ts'
import { probe } from './probe.ts'
import type { CounterReply } from './counter.ts'
import type { ProbeOptions } from './probe.ts'
import type { Args, Commands } from '../lib/stdio-commands.ts'

const env = process.env
const index = Number(env.BENCH_DIST_INDEX ?? '0')
const peers = (env.BENCH_DIST_PEERS ?? '').split(',').filter(p => p !== '')
if (env.BENCH_DIST_CLUSTER == null || env.BENCH_DIST_LISTEN == null) {
  throw new Error('run by benchmarks/lib/process-cluster.ts: BENCH_DIST_CLUSTER and BENCH_DIST_LISTEN must be set')
}
process.on('SIGTERM', () => process.exit(0))

const cluster = await Foundation.start({
  clusterName: env.BENCH_DIST_CLUSTER,
  name: `node-${index}`,
  listen: [env.BENCH_DIST_LISTEN],
  discovery: { mdns: false, ...(peers.length > 0 ? { static: peers } : {}) },
  membership: JSON.parse(env.BENCH_DIST_MEMBERSHIP ?? '{}'),
  http: { enabled: false }
})
cluster.define(Counter)

/** wall-clock ms at which this node saw each member leave (declared dead or gone) */
const leaves: Record<string, number> = {}
cluster.addEventListener('member:leave', (evt) => { leaves[evt.detail.id] ??= wallClock() })
/** every suspicion, refutation and leave this node saw, in order: how tests tell a false verdict from a true one */
const verdicts: Array<{ type: string, id: string, status: string, at: number }> = []
for (const type of ['member:suspect', 'member:alive', 'member:leave'] as const) {
  cluster.addEventListener(type, (evt) => { verdicts.push({ type, id: evt.detail.id, status: evt.detail.status, at: wallClock() }) })
}
/** where `locate` found each name, by node */
let located = new Map<string, string[]>()

function names (args: Args): string[] {
  return Array.from({ length: Number(args.count) }, (_, i) => `${String(args.prefix)}${Number(args.from ?? 0) + i}`)
}

/** Runs fn over every name, counting failures by error name; the first few messages are kept. */
async function eachName (list: string[], concurrency: number, fn: (name: string) => Promise<void>): Promise<{ failed: number, errors: Record<string, number>, samples: string[] }> {
  const errors: Record<string, number> = {}
  const samples: string[] = []
  let failed = 0
  await forEachLimit(list, concurrency, async (name) => {
    try {
      await fn(name)
    } catch (err) {
      failed++
      const key = err instanceof Error ? err.name : 'non-Error'
      errors[key] = (errors[key] ?? 0) + 1
      if (samples.length < 3) { samples.push(`${name}: ${errorMessage(err)}`) }
    }
  })
  return { failed, errors, samples }
}

const COMMANDS: Commands = {
  async info () {
    return { id: cluster.id, nodes: cluster.info().nodes, distributed: cluster.info().distributed }
  },

  async 'wait-members' (args) {
    const deadline = Date.now() + Number(args.timeoutMs)
    while (cluster.info().nodes !== Number(args.count)) {
      if (Date.now() > deadline) { throw new Error(`${cluster.info().nodes} members, not ${String(args.count)}, after ${String(args.timeoutMs)} ms`) }
      await delay(20)
    }
    return { nodes: cluster.info().nodes }
  },

  /** spawns count distributed Counters named prefix+i; ms is the time for all of them */
  async spawn (args) {
    const started = wallClock()
    const outcome = await eachName(names(args), Number(args.concurrency), async (name) => {
      await cluster.spawn(Counter, { name, distribute: true, args: [] })
    })
    return { ...outcome, ms: Math.round(wallClock() - started) }
  },

  /** calls every actor `times` times with an increment; wrong = answers whose count is not `times` at the end */
  async inc (args) {
    let wrong = 0
    const started = wallClock()
    const outcome = await eachName(names(args), Number(args.concurrency), async (name) => {
      let reply: CounterReply | undefined
      for (let i = 0; i < Number(args.times); i++) {
        reply = await cluster.call<CounterReply>(name, { op: 'inc' }, { timeout: Number(args.timeoutMs) })
      }
      if (reply?.count !== Number(args.times)) { wrong++ }
    })
    return { ...outcome, wrong, ms: Math.round(wallClock() - started) }
  },

  /** looks every name up and remembers which node holds it; answers how many each node holds */
  async locate (args) {
    located = new Map()
    let missing = 0
    const outcome = await eachName(names(args), Number(args.concurrency), async (name) => {
      const ref = await cluster.lookup(name)
      if (ref == null) {
        missing++
        return
      }
      const list = located.get(ref.node) ?? []
      list.push(name)
      located.set(ref.node, list)
    })
    return { ...outcome, missing, byNode: Object.fromEntries([...located].map(([node, list]) => [node, list.length])) }
  },

  /** probes the actors `locate` found on args.onNode (see probe.ts) */
  async probe (args) {
    const list = located.get(String(args.onNode)) ?? []
    return probe(cluster, { ...(args as unknown as Omit<ProbeOptions, 'names'>), names: list })
  },

  /** calls every actor once: how many answer, with the expected count, and where */
  async verify (args) {
    const byNode: Record<string, number> = {}
    let wrong = 0
    const outcome = await eachName(names(args), Number(args.concurrency), async (name) => {
      const reply = await cluster.call<CounterReply>(name, { op: 'get' }, { timeout: Number(args.timeoutMs) })
      byNode[reply.node] = (byNode[reply.node] ?? 0) + 1
      if (args.expectCount != null && reply.count !== Number(args.expectCount)) { wrong++ }
    })
    return { ...outcome, wrong, byNode }
  },

  async leaves () {
    return leaves
  },

  async verdicts () {
    return verdicts
  },

  /** what each member's status is in this node's view, by peer id */
  async statuses () {
    return Object.fromEntries(cluster.members().map(m => [m.id, m.status]))
  },

  /** this node's Lifeguard local health: 0 while it meets its own deadlines, higher while it doubts itself */
  async localHealth () {
    return (cluster as unknown as { membership: { localHealth?: number } }).membership.localHealth ?? 0
  },

  /** blocks this process's event loop for args.ms, as a long GC or a synchronous job would */
  async block (args) {
    const end = Date.now() + Number(args.ms)
    while (Date.now() < end) { /* busy on purpose */ }
    return { blockedMs: Number(args.ms) }
  },

  /** graceful stop: the node hands its distributed actors over and leaves */
  async stop () {
    const startedAt = wallClock()
    await cluster.stop()
    return { startedAt, endedAt: wallClock() }
  }
}

serveCommands(COMMANDS, { id: cluster.id, name: cluster.name })
