// Two node processes on two hosts take one name while iptables cuts them apart; after the heal both agree.
import { expect } from 'aegir/chai'
import { SECOND } from '../../src/config/units.ts'
import { NetnsNetwork } from '../fixtures/netns.ts'
import { uniqueCluster } from '../fixtures/nodes.ts'
import { NetnsNode, describeViews, eventually } from './netns-nodes.ts'
import type { ActorRef } from '../../src/index.ts'

const PORT = 4002
/** fast failure detection: a cut-off node is declared dead about a second after it goes silent */
const MEMBERSHIP = { probeInterval: 200, probeTimeout: 100, suspectTimeout: 800 }
/** ms for the processes to find each other, to declare each other dead, or to merge again */
const CHANGE_TIMEOUT = 20 * SECOND

describe('name conflicts across network namespaces', function () {
  this.timeout(120_000)
  let network: NetnsNetwork | undefined
  const nodes: NetnsNode[] = []

  before(function () {
    if (process.getuid?.() !== 0) { this.skip() }
  })

  afterEach(async () => {
    await Promise.allSettled(nodes.splice(0).map(async node => node.kill()))
    await network?.remove()
    network = undefined
  })

  /** Waits until each node sees exactly `count` alive members and no suspect. */
  async function alive (count: number, description: string): Promise<void> {
    await eventually(async () => {
      for (const node of nodes) {
        const view = await node.view()
        if (view.alive.length !== count || view.suspect.length > 0) { return false }
      }
      return true
    }, description, CHANGE_TIMEOUT, async () => describeViews(nodes))
  }

  it('keeps the newest of two registrations made while cut apart: both processes resolve it, the loser is told', async () => {
    network = await NetnsNetwork.create(2)
    const clusterName = uniqueCluster('netns')
    const results = await Promise.allSettled(network.hosts.map(async (host, i) => {
      const node = await NetnsNode.start(host.namespace, `n${i}`, {
        clusterName,
        listen: [`/ip4/${host.ip}/tcp/${PORT}`],
        membership: MEMBERSHIP,
        discovery: { mdns: { interval: 200 } }
      })
      nodes.push(node)
      return node
    }))
    for (const result of results) { if (result.status === 'rejected') { throw result.reason } }
    const [first, second] = nodes.sort((x, y) => x.name.localeCompare(y.name))
    await alive(2, 'both processes see each other')

    const partition = await network.partition(network.hosts[1])
    await alive(1, 'each process sees only itself')

    const older = await first.spawn('leader')
    // name versions are wall-clock ms: the later registration is the newer one
    await new Promise(resolve => setTimeout(resolve, 50))
    const newer = await second.spawn('leader')
    expect(await first.lookup('leader')).to.deep.equal(older)
    expect(await second.lookup('leader')).to.deep.equal(newer)

    await partition.heal()
    await alive(2, `after the heal both see each other again (partition in the ${partition.where})`)
    let seen: Array<ActorRef | null> = []
    await eventually(async () => {
      seen = await Promise.all(nodes.map(async node => node.lookup('leader')))
      return seen.every(ref => ref?.node === newer.node && ref?.id === newer.id)
    }, 'both resolve the newer registration', CHANGE_TIMEOUT, async () => `they resolve ${JSON.stringify(seen)}`)

    const told = first.messages.find(m => m.event === 'name:conflict' && m.local === true)
    expect(told, 'the loser was told').to.include({ name: 'leader' })
    expect(told?.winner).to.deep.equal(newer)
    expect(told?.loser).to.deep.equal(older)
    expect(second.messages.filter(m => m.event === 'name:conflict' && m.local === true), 'the winner lost nothing').to.deep.equal([])
  })
})
