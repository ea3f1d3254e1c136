// mDNS discovery of one cluster: peers found once each, repeated answers dropped, periodic questions shared.
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { clusterMdns } from '../../src/discovery/mdns/cluster-mdns.ts'
import type { ClusterMdns } from '../../src/discovery/mdns/cluster-mdns.ts'
import type { MulticastDNSComponents } from '@libp2p/mdns'

const INTERVAL = 200

async function start (serviceTag: string, port: number): Promise<{ id: string, mdns: ClusterMdns, seen: string[] }> {
  const id = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  const address = multiaddr(`/ip4/127.0.0.1/tcp/${port}/p2p/${id}`)
  const components = {
    addressManager: { getAddresses: () => [address] },
    logger: defaultLogger()
  } as unknown as MulticastDNSComponents
  const mdns = clusterMdns({ serviceTag, interval: INTERVAL })(components)
  const seen: string[] = []
  mdns.addEventListener('peer', evt => { seen.push(evt.detail.id.toString()) })
  await mdns.start()
  return { id, mdns, seen }
}

describe('discovery/mdns: cluster mdns', function () {
  const started: ClusterMdns[] = []

  afterEach(async () => {
    await Promise.all(started.splice(0).map(async m => { await m.stop() }))
  })

  it('passes each peer on once however often it answers, and shares the periodic questions', async () => {
    const tag = `_fnd-test-${randomBytes(4).toString('hex')}._udp.local`
    const nodes = []
    for (let i = 0; i < 3; i++) {
      const node = await start(tag, 40_000 + i)
      started.push(node.mdns)
      nodes.push(node)
    }
    await new Promise(resolve => setTimeout(resolve, 8 * INTERVAL))

    for (const node of nodes) {
      const others = nodes.filter(n => n !== node).map(n => n.id).sort()
      expect([...node.seen].sort()).to.deep.equal(others)
      expect(node.mdns.stats.repeats).to.be.greaterThan(0)
    }
    const sent = nodes.reduce((sum, n) => sum + n.mdns.stats.queriesSent, 0)
    const skipped = nodes.reduce((sum, n) => sum + n.mdns.stats.queriesSkipped, 0)
    // alone, each node would ask on every tick
    expect(sent).to.be.greaterThan(0)
    expect(skipped).to.be.greaterThan(sent / 2)
  })

  it('starts and stops idempotently', async () => {
    const node = await start(`_fnd-test-${randomBytes(4).toString('hex')}._udp.local`, 40_100)
    await node.mdns.start()
    expect(node.mdns.isStarted()).to.equal(true)
    await node.mdns.stop()
    await node.mdns.stop()
    expect(node.mdns.isStarted()).to.equal(false)
  })
})
