// The idle benchmark's baseline node: bare libp2p (tcp, noise, yamux, identify, ping), as a cluster without Foundation
// would run, dialling the same peers. Speaks the stdio protocol of benchmarks/lib/node-process.ts.
//
//   BENCH_DIST_INDEX   0..N-1     BENCH_DIST_LISTEN   its multiaddr     BENCH_DIST_PEERS   the others', comma-separated
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { serveCommands } from '../lib/stdio-commands.ts'
import { delay } from '../lib/util.ts'
import type { Commands } from '../lib/stdio-commands.ts'

const env = process.env
const peers = (env.BENCH_DIST_PEERS ?? '').split(',').filter(p => p !== '')
if (env.BENCH_DIST_LISTEN == null) { throw new Error('run by benchmarks/lib/process-cluster.ts: BENCH_DIST_LISTEN must be set') }
process.on('SIGTERM', () => process.exit(0))

const node = await createLibp2p({
  addresses: { listen: [env.BENCH_DIST_LISTEN] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: { identify: identify(), ping: ping() }
})

/** Dials every peer until connected, as Foundation's connector does. */
async function connectAll (deadline: number): Promise<void> {
  for (const address of peers) {
    while (Date.now() < deadline) {
      try {
        await node.dial(multiaddr(address), { signal: AbortSignal.timeout(2000) })
        break
      } catch {
        await delay(100)
      }
    }
  }
}

const COMMANDS: Commands = {
  async 'wait-members' (args) {
    const deadline = Date.now() + Number(args.timeoutMs)
    await connectAll(deadline)
    // members here are the peers connected, and this node
    const count = (): number => new Set(node.getConnections().map(c => c.remotePeer.toString())).size + 1
    while (count() < Number(args.count)) {
      if (Date.now() > deadline) { throw new Error(`${count()} connected, not ${String(args.count)}`) }
      await delay(20)
    }
    return { nodes: count() }
  }
}

serveCommands(COMMANDS, { id: node.peerId.toString(), name: `libp2p-${env.BENCH_DIST_INDEX ?? '0'}` })
