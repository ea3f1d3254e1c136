// The in-process baseline of the scale benchmark: N bare libp2p nodes (memory transport, noise, yamux, identify,
// ping, libp2p's defaults otherwise) in this process, each dialling every other, as benchmarks/idle/libp2p-node.ts
// does between processes. Full once every node is connected to every other.
import { randomBytes } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { memory } from '@libp2p/memory'
import { ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { ByteCounter, countedTransports } from '../lib/counted-transports.ts'
import { stopAll } from '../lib/libp2p.ts'
import { delay } from '../lib/util.ts'
import type { Libp2p } from 'libp2p'

const DIAL_TIMEOUT_MS = 5000
const RETRY_MS = 100
const FULL_POLL_MS = 100

export interface BareMemoryCluster {
  nodes: Libp2p[]
  bytes: ByteCounter[]
  /** resolves true once every node is connected to every other, false after timeoutMs */
  waitFull(timeoutMs: number): Promise<boolean>
  close(): Promise<void>
}

/** Peers each node has an open connection to. */
export function connectedCounts (nodes: readonly Libp2p[]): number[] {
  return nodes.map(n => new Set(n.getConnections().filter(c => c.status === 'open').map(c => c.remotePeer.toString())).size)
}

export async function startBareMemoryCluster (count: number, prefix: string): Promise<BareMemoryCluster> {
  const run = `${prefix}-${randomBytes(4).toString('hex')}`
  const addresses = Array.from({ length: count }, (_, i) => `/memory/${run}-${i}`)
  const bytes = Array.from({ length: count }, () => new ByteCounter())
  const nodes: Libp2p[] = []
  let closed = false
  try {
    for (let i = 0; i < count; i++) {
      nodes.push(await createLibp2p({
        addresses: { listen: [addresses[i]] },
        transports: countedTransports([memory()], bytes[i]),
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        services: { identify: identify(), ping: ping() }
      }))
    }
  } catch (err) {
    await stopAll(nodes)
    throw err
  }

  /** Dials the peer until connected, or until the cluster closes. */
  const connectTo = async (node: Libp2p, address: string): Promise<void> => {
    for (;;) {
      if (closed) { return }
      try {
        await node.dial(multiaddr(address), { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
        return
      } catch {
        await delay(RETRY_MS)
      }
    }
  }
  /** Every peer in turn, as the process baseline does. */
  const connectAll = async (node: Libp2p, index: number): Promise<void> => {
    for (const address of addresses.filter((_, i) => i !== index)) { await connectTo(node, address) }
  }
  const dialling = Promise.allSettled(nodes.map(connectAll))

  return {
    nodes,
    bytes,
    async waitFull (timeoutMs) {
      const deadline = Date.now() + timeoutMs
      while (!connectedCounts(nodes).every(c => c === count - 1)) {
        if (Date.now() > deadline) { return false }
        await delay(FULL_POLL_MS)
      }
      return true
    },
    async close () {
      closed = true
      await stopAll(nodes)
      await dialling
    }
  }
}
