// Real libp2p nodes on loopback, connected to each other, each with a registry and a hand-driven membership.
import { defaultLogger } from '@libp2p/logger'
import { pEvent } from 'p-event'
import { createHost } from '../../src/node/create-host.ts'
import { registryTopic } from '../../src/registry/announcement.ts'
import { createRegistry } from '../../src/registry/index.ts'
import { FakeMembership } from './fake-membership.ts'
import type { Host } from '../../src/node/create-host.ts'
import type { Registry, RegistryInit } from '../../src/registry/index.ts'

export interface TestNode {
  host: Host
  id: string
  membership: FakeMembership
  registry: Registry
}

const WAIT = 10_000

export async function startHosts (cluster: string, count: number): Promise<Host[]> {
  const hosts = await Promise.all(Array.from({ length: count }, async () => createHost({
    cluster,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: { enabled: false, interval: 1000 },
    maxMessageSize: 1 << 20
  })))
  await Promise.all(hosts.map(async host => host.start()))

  for (let i = 0; i < hosts.length; i++) {
    for (let j = i + 1; j < hosts.length; j++) {
      await hosts[i].dial(hosts[j].getMultiaddrs())
    }
  }

  await Promise.all(hosts.map(async host => untilRoutingTableHolds(host, count - 1)))
  return hosts
}

/** Gives each host a registry whose membership counts every host in `hosts` as alive. */
export async function startRegistries (cluster: string, hosts: Host[], init: Partial<RegistryInit> = {}): Promise<TestNode[]> {
  const ids = hosts.map(host => host.peerId.toString())
  const nodes = hosts.map(host => {
    const id = host.peerId.toString()
    const membership = new FakeMembership(id, ids.filter(other => other !== id))
    const registry = createRegistry({ host, membership, logger: defaultLogger() }, { cluster, ...init })
    return { host, id, membership, registry }
  })

  for (const node of nodes) {
    node.membership.start()
    await node.registry.start()
  }

  await Promise.all(nodes.map(async node => untilSubscribed(node.host, registryTopic(cluster), hosts.length - 1)))
  return nodes
}

export async function stopAll (nodes: TestNode[], hosts: Host[]): Promise<void> {
  await Promise.all(nodes.map(async node => node.registry.stop()))
  await Promise.all(hosts.map(async host => host.stop()))
}

/**
 * kad-dht adds a peer to its routing table only after identify shows the peer speaks our kad
 * protocol; a put before then reaches nobody. The routing table is not on the KadDHT interface.
 */
export async function untilRoutingTableHolds (host: Host, peers: number): Promise<void> {
  const table = (host.services.dht as unknown as { routingTable: EventTarget & { size: number } }).routingTable
  if (table.size >= peers) { return }
  await pEvent(table, 'peer:add', { filter: () => table.size >= peers, timeout: WAIT })
}

async function untilSubscribed (host: Host, topic: string, peers: number): Promise<void> {
  const { pubsub } = host.services
  const enough = (): boolean => pubsub.getSubscribers(topic).length >= peers
  if (enough()) { return }
  await pEvent(pubsub, 'subscription-change', { filter: enough, timeout: WAIT })
}
