// N Foundation nodes in this process on the libp2p memory transport (noise and yamux over in-memory pipes),
// formed by static discovery, each node's transport bytes counted. For scale tests and the scale benchmark.
import { randomBytes } from 'node:crypto'
import { memory } from '@libp2p/memory'
import { plaintext } from '@libp2p/plaintext'
import { resolveConfig, startFoundationNode } from '../../src/internal.ts'
import { ByteCounter, countedTransports } from './counted-transports.ts'
import { now } from './stats.ts'
import { delay, forEachLimit } from './util.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { FoundationInit } from '../../src/index.ts'
import type { MemoryTransportInit } from '@libp2p/memory'

/** nodes started at once: enough to overlap their async setup, few enough to keep the event loop answering */
const DEFAULT_START_CONCURRENCY = 10
const FORMED_POLL_MS = 100

export interface MemoryClusterOptions {
  nodes: number
  /** prefix of the cluster name (and of the memory addresses), made unique per run */
  clusterPrefix: string
  /** merged into every node's options (membership settings, say) */
  init?: FoundationInit
  /**
   * how many of the first nodes each node is given as static peers (default 1: everyone knows the first node, and
   * learns the rest from membership, as with one seed address); `nodes` gives every node every address
   */
  seeds?: number
  /** nodes started at once (default 10) */
  startConcurrency?: number
  /** the memory transport's options (its latency, say) */
  transport?: MemoryTransportInit
  /**
   * 'plaintext' leaves out noise: one process then simulates hundreds of machines without spending most of its one
   * core on handshakes and ciphers that each machine would run on its own (default 'noise')
   */
  encryption?: 'noise' | 'plaintext'
}

export interface MemoryCluster {
  nodes: FoundationNode[]
  /** transport bytes of each node, by index */
  bytes: ByteCounter[]
  /** ms from the first start until every node's start() resolved */
  startedMs: number
  /** starts `count` more nodes with the same options, as the first ones (a cluster growing); resolves with them */
  grow(count: number): Promise<FoundationNode[]>
  close(): Promise<void>
}

/** A memory address per node, unique in this process (the memory transport keeps one table of listeners). */
function memoryAddress (cluster: string, index: number): string {
  return `/memory/${cluster}-${index}`
}

/** Starts the nodes; they form in the background: see waitFormed. Stops every started node if one fails. */
export async function startMemoryCluster (options: MemoryClusterOptions): Promise<MemoryCluster> {
  const cluster = `${options.clusterPrefix}-${randomBytes(4).toString('hex')}`
  const seeds = Array.from({ length: Math.min(options.seeds ?? 1, options.nodes) }, (_, i) => memoryAddress(cluster, i))
  const nodes: FoundationNode[] = []
  const bytes: ByteCounter[] = []
  const close = async (): Promise<void> => {
    await Promise.allSettled(nodes.filter(n => n != null).map(async n => { await n.stop() }))
  }
  const grow = async (count: number): Promise<FoundationNode[]> => {
    const first = nodes.length
    const indexes = Array.from({ length: count }, (_, i) => first + i)
    for (const index of indexes) { bytes[index] = new ByteCounter() }
    await forEachLimit(indexes, options.startConcurrency ?? DEFAULT_START_CONCURRENCY, async (index) => {
      const listen = memoryAddress(cluster, index)
      const peers = seeds.filter(address => address !== listen)
      nodes[index] = await startFoundationNode(resolveConfig({
        ...options.init,
        clusterName: cluster,
        name: `node-${index}`,
        listen: [listen],
        discovery: { mdns: false, ...(peers.length > 0 ? { static: peers } : {}) },
        http: { enabled: false }
      }), {
        transports: countedTransports([memory(options.transport)], bytes[index]),
        encrypters: options.encryption === 'plaintext' ? [plaintext()] : undefined
      })
    })
    return nodes.slice(first)
  }
  const t0 = now()
  try {
    await grow(options.nodes)
  } catch (err) {
    await close()
    throw err
  }
  return { nodes, bytes, startedMs: Math.round(now() - t0), grow, close }
}

/** Alive members each node counts (suspect, dead and left ones not). */
export function aliveCounts (nodes: readonly FoundationNode[]): number[] {
  return nodes.map(n => n.membership.members().filter(m => m.status === 'alive').length)
}

/** How many other nodes each node holds an open connection to. */
export function linkedCounts (nodes: readonly FoundationNode[]): number[] {
  return nodes.map(n => new Set(n.host.getConnections().filter(c => c.status === 'open').map(c => c.remotePeer.toString())).size)
}

/**
 * Resolves true once every node holds a connection to every other, false after timeoutMs. Membership news spreads
 * faster than connections open: a full view comes first, and the full mesh a few seconds later.
 */
export async function waitMeshed (nodes: readonly FoundationNode[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!linkedCounts(nodes).every(count => count === nodes.length - 1)) {
    if (Date.now() > deadline) { return false }
    await delay(FORMED_POLL_MS)
  }
  return true
}

/** Resolves true once every node counts every node alive, false after timeoutMs. */
export async function waitFormed (nodes: readonly FoundationNode[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!aliveCounts(nodes).every(count => count === nodes.length)) {
    if (Date.now() > deadline) { return false }
    await delay(FORMED_POLL_MS)
  }
  return true
}
