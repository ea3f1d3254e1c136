// Three node processes on three hosts (network namespaces on one bridge): discovery, and a partition that heals.
import { expect } from 'aegir/chai'
import { SECOND } from '../../src/config/units.ts'
import { NetnsNetwork } from '../fixtures/netns.ts'
import { uniqueCluster } from '../fixtures/nodes.ts'
import { NetnsNode, describeViews, eventually } from './netns-nodes.ts'
import { DNSMASQ_ZONE, startSwitchDnsmasq } from './switch-dnsmasq.ts'
import type { SwitchDnsmasq } from './switch-dnsmasq.ts'
import type { FoundationInit } from '../../src/index.ts'

const PORT = 4001
/** fast failure detection: a cut-off node is declared dead about a second after it goes silent */
const MEMBERSHIP = { probeInterval: 200, probeTimeout: 100, suspectTimeout: 800 }
/** ms for three fresh processes to find each other */
const FORM_TIMEOUT = 15 * SECOND
/** ms for both sides of a partition to declare the other dead, or to merge again after it heals */
const CHANGE_TIMEOUT = 15 * SECOND

/** A node's members and their addresses, sorted, as one comparable string. */
async function addressBook (node: NetnsNode): Promise<string> {
  return JSON.stringify((await node.members()).map(m => `${m.id} ${m.addresses.join(' ')}`).sort())
}

describe('cluster across network namespaces', function () {
  let network: NetnsNetwork | undefined
  let dnsmasq: SwitchDnsmasq | undefined
  const nodes: NetnsNode[] = []

  before(function () {
    if (process.getuid?.() !== 0) { this.skip() }
  })

  afterEach(async () => {
    // processes first: one still running in a namespace keeps it alive
    await Promise.allSettled(nodes.splice(0).map(async node => node.kill()))
    await dnsmasq?.stop()
    dnsmasq = undefined
    await network?.remove()
    network = undefined
  })

  /** One node per host, listening on the host's address. */
  async function startNodes (init: FoundationInit): Promise<NetnsNode[]> {
    network ??= await NetnsNetwork.create(3)
    // settled, not all: a node still starting when another fails must be in `nodes` for afterEach to end it
    const results = await Promise.allSettled(network.hosts.map(async (host, i) => {
      const node = await NetnsNode.start(host.namespace, `n${i}`, { listen: [`/ip4/${host.ip}/tcp/${PORT}`], membership: MEMBERSHIP, ...init })
      nodes.push(node)
      return node
    }))
    return results.map(result => {
      if (result.status === 'rejected') { throw result.reason }
      return result.value
    })
  }

  /** Waits until each of `watchers` sees exactly `expected` alive, and every other node dead or forgotten. */
  async function sees (watchers: NetnsNode[], expected: NetnsNode[], description: string, timeout: number): Promise<void> {
    const ids = expected.map(n => n.id).sort()
    await eventually(async () => {
      for (const node of watchers) {
        const view = await node.view()
        if (JSON.stringify(view.alive.sort()) !== JSON.stringify(ids) || view.suspect.length > 0) { return false }
      }
      return true
    }, description, timeout, async () => describeViews(nodes))
  }

  it('finds the other hosts by mDNS: three processes, each sees three alive members at the others\' addresses', async () => {
    const all = await startNodes({ clusterName: uniqueCluster('netns'), discovery: { mdns: { interval: 200 } } })
    await sees(all, all, 'every node sees all three alive', FORM_TIMEOUT)

    for (const node of all) {
      const info = await node.info()
      expect(info.nodes, `${node.name}'s info().nodes`).to.equal(3)
      expect(info.strategy, `${node.name}'s strategies`).to.equal('mdns')
    }
    // each member is known by its own host's address: they met over the bridge, not over loopback (a record may
    // first spread without addresses, as membership starts before the host listens)
    const expected = JSON.stringify(all.map((node, i) => `${node.id} /ip4/${network!.hosts[i].ip}/tcp/${PORT}/p2p/${node.id}`).sort())
    let seen: string[] = []
    await eventually(async () => {
      seen = await Promise.all(all.map(addressBook))
      return seen.every(book => book === expected)
    }, 'every node knows each member by its host address', FORM_TIMEOUT, async () => `expected ${expected}, saw ${seen.join('; ')}`)
  })

  it('declares a host cut off by iptables dead on both sides, and merges again after the link returns', async () => {
    const all = await startNodes({ clusterName: uniqueCluster('netns'), discovery: { mdns: { interval: 200 } } })
    const [a, b, cut] = all
    await sees(all, all, 'every node sees all three alive', FORM_TIMEOUT)

    const partition = await network!.partition(network!.hosts[2])
    await sees([a, b], [a, b], `${a.name} and ${b.name} see ${cut.name} dead`, CHANGE_TIMEOUT)
    await sees([cut], [cut], `${cut.name} sees ${a.name} and ${b.name} dead`, CHANGE_TIMEOUT)
    for (const [watcher, gone] of [[a, cut], [b, cut], [cut, a], [cut, b]]) {
      const leave = watcher.messages.find(m => m.event === 'member:leave' && m.member?.id === gone.id)
      expect(leave?.member?.status, `${watcher.name} announced ${gone.name}'s leave`).to.equal('dead')
    }

    await partition.heal()
    await sees(all, all, `after the heal, every node sees all three alive again (partition in the ${partition.where})`, CHANGE_TIMEOUT)
    for (const [watcher, back] of [[a, cut], [b, cut], [cut, a], [cut, b]]) {
      const leaveAt = watcher.messages.findIndex(m => m.event === 'member:leave' && m.member?.id === back.id)
      const rejoined = watcher.messages.slice(leaveAt + 1).some(m => m.event === 'member:join' && m.member?.id === back.id)
      expect(rejoined, `${watcher.name} announced ${back.name}'s join after its leave`).to.be.true()
    }
  })

  it('finds the other hosts through a real dnsmasq in the switch: the dns strategy alone, A records of one name', async () => {
    network = await NetnsNetwork.create(3)
    const clusterName = uniqueCluster('netns')
    const name = `${clusterName}.${DNSMASQ_ZONE}`
    dnsmasq = await startSwitchDnsmasq(network, { [name]: network.hosts.map(host => host.ip) })
    const all = await startNodes({ clusterName, cluster: 'dns', discovery: { dns: { name, port: PORT, servers: [dnsmasq.server] } } })
    await sees(all, all, 'every node sees all three alive', FORM_TIMEOUT)
    for (const node of all) {
      // only dns runs: mDNS, which would find them too, is not what brought them together
      expect((await node.info()).strategy, `${node.name}'s strategies`).to.equal('dns')
    }
  })
})
