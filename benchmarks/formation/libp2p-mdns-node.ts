// Formation baseline node: a bare libp2p v3 node (tcp + noise + yamux) that finds the others by mDNS on a
// service name of its own, dials every peer it discovers and redials those it is not connected to every 500 ms
// (peer:discovery fires once per peer, so a failed first dial is otherwise never retried).
// Members = itself + connected peers.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { mdns } from '@libp2p/mdns'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { formationEnv, report, reportWhenFull } from './child.ts'
import type { PeerId } from '@libp2p/interface'

const env = formationEnv()
const label = env.cluster.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40)
const node = await createLibp2p({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  peerDiscovery: [mdns({ serviceTag: `_fndbench-${label}._udp.local`, interval: 1000 })]
})
const discovered = new Map<string, PeerId>()
const dial = (id: PeerId): void => {
  node.dial(id).catch((err: Error) => { process.stderr.write(`dial ${id.toString()}: ${err.message}\n`) })
}
node.addEventListener('peer:discovery', event => {
  discovered.set(event.detail.id.toString(), event.detail.id)
  dial(event.detail.id)
})
setInterval(() => {
  const connected = new Set(node.getPeers().map(p => p.toString()))
  for (const [key, id] of discovered) {
    if (!connected.has(key)) { dial(id) }
  }
}, 500)
report('started')
reportWhenFull(env, () => node.getPeers().length + 1)
