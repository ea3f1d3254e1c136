// The mdns strategy over real mDNS services on this machine's network: the compliance suite.
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { clusterMdns } from '../../src/discovery/mdns/cluster-mdns.ts'
import { MdnsDiscovery } from '../../src/discovery/mdns/index.ts'
import { discoveryCompliance } from './compliance.ts'
import type { ClusterMdns } from '../../src/discovery/mdns/cluster-mdns.ts'
import type { MulticastDNSComponents } from '@libp2p/mdns'

/** An mDNS service answering for a made-up peer at one loopback port. */
async function service (serviceTag: string, port: number): Promise<{ id: string, address: string, mdns: ClusterMdns }> {
  const id = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  const address = `/ip4/127.0.0.1/tcp/${port}/p2p/${id}`
  const components = {
    addressManager: { getAddresses: () => [multiaddr(address)] },
    logger: defaultLogger()
  } as unknown as MulticastDNSComponents
  const mdns = clusterMdns({ serviceTag, interval: 200 })(components)
  await mdns.start()
  return { id, address, mdns }
}

discoveryCompliance('mdns', async () => {
  const tag = `_fnd-test-${randomBytes(4).toString('hex')}._udp.local`
  const port = 41_000 + Math.floor(Math.random() * 1000)
  const self = await service(tag, port)
  const peers = [await service(tag, port + 1), await service(tag, port + 2)]
  return {
    strategy: new MdnsDiscovery(
      { logger: defaultLogger(), self: { peerId: self.id, name: 'self', addresses: () => [self.address] } },
      self.mdns
    ),
    expected: peers.map(p => p.id),
    self: { peerId: self.id, addresses: [self.address] },
    close: async () => {
      await Promise.all([self, ...peers].map(async s => { await s.mdns.stop() }))
    }
  }
})
