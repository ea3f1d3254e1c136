// A node process of the scale test and benchmark, driven by benchmarks/lib/node-process.ts: one Foundation node on
// 127.0.0.1 found by static discovery, with the default membership settings, counting every suspicion and leave
// it sees. Speaks the stdio protocol of benchmarks/lib/stdio-commands.ts; exits when its stdin closes.
//
//   BENCH_DIST_CLUSTER     cluster name          BENCH_DIST_INDEX   0..N-1
//   BENCH_DIST_LISTEN      its multiaddr         BENCH_DIST_PEERS   the others' multiaddrs, comma-separated
//   BENCH_DIST_MEMBERSHIP  membership settings as JSON ({} for the defaults)
import { Foundation } from '../../src/index.ts'
import { MemberTrouble } from '../lib/member-trouble.ts'
import { serveCommands } from '../lib/stdio-commands.ts'
import { delay } from '../lib/util.ts'
import type { Commands } from '../lib/stdio-commands.ts'

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
const trouble = new MemberTrouble([cluster])

function alive (): number {
  return cluster.members().filter(m => m.status === 'alive').length
}

const COMMANDS: Commands = {
  /** resolves once this node counts `count` members alive (suspect ones do not count) */
  async 'wait-members' (args) {
    const deadline = Date.now() + Number(args.timeoutMs)
    while (alive() !== Number(args.count)) {
      if (Date.now() > deadline) { throw new Error(`${alive()} members alive, not ${String(args.count)}, after ${String(args.timeoutMs)} ms`) }
      await delay(20)
    }
    return { alive: alive() }
  },

  async alive () {
    return { alive: alive(), members: cluster.members().map(m => ({ name: m.name, status: m.status })) }
  },

  /** open connections, and the distinct peers they reach (a full mesh of N has N - 1 of each) */
  async connections () {
    const open = (cluster as unknown as { host: { getConnections(): Array<{ status: string, remotePeer: { toString(): string } }> } })
      .host.getConnections().filter(c => c.status === 'open')
    return { connections: open.length, peers: new Set(open.map(c => c.remotePeer.toString())).size }
  },

  /** the suspect and leave events seen since the last reset; `reset: true` starts a new window */
  async trouble (args) {
    const events = trouble.list()
    if (args.reset === true) { trouble.reset() }
    return { events }
  }
}

serveCommands(COMMANDS, { id: cluster.id, name: cluster.name })
