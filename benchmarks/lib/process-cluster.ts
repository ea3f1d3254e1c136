// N node processes on 127.0.0.1 formed into one cluster by static discovery: each listens on a port chosen
// here and is given the others' addresses. Used by the suites that kill or stop a node process.
import { once } from 'node:events'
import net from 'node:net'
import { NodeProcess, endAll } from './node-process.ts'
import { now } from './stats.ts'
import type { StartedLine } from './node-process.ts'

export interface ProcessClusterOptions {
  nodes: number
  /** absolute path of the node script (see benchmarks/distributed/node.ts) */
  script: string
  /** prefix of the cluster name, made unique per run */
  clusterPrefix: string
  /** membership settings handed to every node, as JSON */
  membership: Record<string, number>
  timeoutMs: number
  /** asked when the cluster does not form, before its processes end: what each node saw, added to the error */
  diagnose?(nodes: NodeProcess[]): Promise<string>
}

export interface ProcessCluster {
  nodes: NodeProcess[]
  /** peer id of each node, by index */
  ids: string[]
  /** ms from the first spawn until every node counted every member */
  formedMs: number
  /** when the first process was spawned, on the clock of lib/stats.ts now() */
  startedAt: number
  close(): Promise<void>
}

/** Ports free right now on 127.0.0.1: all held open together so none repeats, then released for the nodes. */
async function freePorts (count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => net.createServer())
  try {
    for (const server of servers) {
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
    }
    return servers.map(server => {
      const address = server.address()
      if (address == null || typeof address === 'string') { throw new Error('no port') }
      return address.port
    })
  } finally {
    await Promise.all(servers.map(async server => new Promise<void>(resolve => server.close(() => { resolve() }))))
  }
}

export async function startProcessCluster (options: ProcessClusterOptions): Promise<ProcessCluster> {
  const cluster = `${options.clusterPrefix}-${process.pid}-${Date.now().toString(36)}`
  const ports = await freePorts(options.nodes)
  const addresses = ports.map(port => `/ip4/127.0.0.1/tcp/${port}`)
  const nodes: NodeProcess[] = []
  const close = async (): Promise<void> => { await endAll(nodes) }
  const t0 = now()
  try {
    for (let index = 0; index < options.nodes; index++) {
      nodes.push(new NodeProcess(options.script, index, {
        BENCH_DIST_CLUSTER: cluster,
        BENCH_DIST_INDEX: String(index),
        BENCH_DIST_LISTEN: addresses[index],
        BENCH_DIST_PEERS: addresses.filter((_, i) => i !== index).join(','),
        BENCH_DIST_MEMBERSHIP: JSON.stringify(options.membership)
      }))
    }
    const started: StartedLine[] = await Promise.all(nodes.map(async n => n.started(options.timeoutMs)))
    try {
      await Promise.all(nodes.map(async n => n.request('wait-members', { count: options.nodes, timeoutMs: options.timeoutMs }, options.timeoutMs + 1000)))
    } catch (err) {
      if (options.diagnose == null || !(err instanceof Error)) { throw err }
      throw new Error(`${err.message}; ${await options.diagnose(nodes).catch((e: Error) => `(no diagnosis: ${e.message})`)}`, { cause: err })
    }
    return { nodes, ids: started.map(s => s.id), formedMs: Math.round(now() - t0), startedAt: t0, close }
  } catch (err) {
    await close()
    throw err
  }
}
