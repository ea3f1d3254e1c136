// Names in a large cluster: in the partial-view shape each local name lives with a few homes on a ring of the members
// instead of on every node. 30 real nodes (memory transport): every name resolves from every node while each node
// keeps a fraction of them, a lookup's cached answer is corrected when the name is given up, a name taken anywhere is
// refused everywhere, and the names a crashed home kept still resolve.
import { expect } from 'aegir/chai'
import { startMemoryCluster } from '../../benchmarks/lib/memory-cluster.ts'
import { DEFAULT_HOMES } from '../../src/names/name-homes.ts'
import { FAST_MEMBERSHIP, eventually } from '../fixtures/nodes.ts'
import { aliveCounts } from '../overlay/fixtures.ts'
import type { MemoryCluster } from '../../benchmarks/lib/memory-cluster.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

const NODES = 30
const NAMES_PER_NODE = 5
const TOTAL = NODES * NAMES_PER_NODE

class Echo {
  receive (message: string): string { return message }
}

const nameOf = (node: number, i: number): string => `svc-${node}-${i}`
const liveLocal = (node: FoundationNode): number => node.names.table.liveOf('local')

describe(`names with homes: ${NODES} nodes in the partial-view shape`, function () {
  this.timeout(180_000)
  let cluster: MemoryCluster

  before(async () => {
    cluster = await startMemoryCluster({
      nodes: NODES,
      clusterPrefix: 'homes',
      init: { membership: FAST_MEMBERSHIP, overlay: { topology: 'partial-view', activeViewSize: 4 } }
    })
    const { nodes } = cluster
    await eventually(() => aliveCounts(nodes).every(c => c === NODES), () => `alive counts ${aliveCounts(nodes).join(' ')}`, 90_000)
    for (const [n, node] of nodes.entries()) {
      for (let i = 0; i < NAMES_PER_NODE; i++) { await node.spawn(Echo, { name: nameOf(n, i) }) }
    }
  })
  after(async () => { await cluster?.close() })

  it('keeps each name on its homes only, not on every node', () => {
    const { nodes } = cluster
    for (const node of nodes) { expect(node.names.placement).to.equal('homes') }
    const held = nodes.map(liveLocal)
    const mean = held.reduce((a, b) => a + b, 0) / NODES
    // each node keeps its own names and about copies/NODES of the others'; every node would keep all TOTAL otherwise
    expect(mean).to.be.within(NAMES_PER_NODE, NAMES_PER_NODE + (DEFAULT_HOMES * TOTAL / NODES) * 1.5)
    expect(Math.max(...held)).to.be.below(TOTAL / 2)
  })

  it('resolves every name from every node, and the ref it gives answers', async () => {
    const { nodes } = cluster
    for (const [n, node] of nodes.entries()) {
      // a spread of names held elsewhere: each node reads names of ten other nodes
      for (let k = 1; k <= 10; k++) {
        const holder = (n + k * 3) % NODES
        const name = nameOf(holder, k % NAMES_PER_NODE)
        const ref = await node.lookup(name)
        expect(ref?.node, `${name} from node ${n}`).to.equal(nodes[holder].id)
      }
    }
    const ref = await nodes[0].lookup(nameOf(17, 2))
    expect(ref).to.not.equal(undefined)
    if (ref != null) { expect(await nodes[0].call(ref, 'hello')).to.equal('hello') }
  })

  it('corrects a cached answer when the name is given up, long before the cache expires', async () => {
    const { nodes } = cluster
    const reader = nodes[4]
    const holder = nodes[21]
    const name = nameOf(21, 0)
    expect((await reader.lookup(name))?.node).to.equal(holder.id)
    // the answer is kept: the next lookup asks nobody
    expect(reader.names.resolve(name)?.holder).to.equal(holder.id)
    await holder.stopActor(name)
    // the homes push the tombstone to the nodes that read the name; the cache would last 30 s
    await eventually(() => reader.names.resolve(name) == null, 'the cached name was corrected', 5000)
    expect(await reader.lookup(name)).to.equal(undefined)
  })

  it('refuses a name another node holds, though this node kept no copy of it', async () => {
    const { nodes } = cluster
    const name = nameOf(9, 3)
    const taker = nodes.find((node, n) => n !== 9 && node.names.table.get(name) == null)
    expect(taker, 'a node without a copy').to.not.equal(undefined)
    if (taker == null) { return }
    let failure: Error | undefined
    await taker.spawn(Echo, { name }).catch((err: Error) => { failure = err })
    expect(failure?.name).to.equal('NameTakenError')
  })

  it('still resolves the names a crashed home kept, from every node', async () => {
    const { nodes } = cluster
    const victim = nodes[12]
    const survivors = nodes.filter(node => node !== victim)
    // names of other nodes the victim was a home to
    const homed = [...victim.names.table.all()].filter(e => e.kind === 'local' && !e.stopped && e.holder !== victim.id).map(e => e.name)
    expect(homed.length).to.be.at.least(1)
    await victim.host.stop()
    await eventually(() => survivors.every(n => n.membership.get(victim.id)?.status !== 'alive'),
      () => `statuses ${survivors.map(n => n.membership.get(victim.id)?.status).join(' ')}`, 30_000)
    for (const name of homed.slice(0, 10)) {
      for (const node of [survivors[0], survivors[15], survivors[28]]) {
        expect((await node.lookup(name))?.node, `${name} after the crash`).to.be.a('string')
      }
    }
  })
})
