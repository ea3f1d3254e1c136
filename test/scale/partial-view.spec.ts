// Scale in the partial-view shape: Foundation nodes in one process on the libp2p memory transport, each keeping links
// to a few neighbours, work as one cluster: one overlay component, every member alive on every node, a publication
// reaches every subscriber, a name registered on one node resolves on every node, and no member is declared gone.
// (The live switch from the full mesh is tested from 8 to 12 nodes, thresholds lowered: test/overlay/topology-switch.spec.ts.)
//
// Runs only with RUN_SCALE_TESTS=1 (PARTIAL_VIEW_TEST_NODES sets the size, default 200): it takes minutes. The nodes
// skip noise (`encryption: 'plaintext'`): in one process its handshakes and ciphers took most of the one core the
// whole cluster shares. They use the production profile's failure detector (a 500 ms probe timeout, 10 s suspicions):
// 200 nodes forming at once keep the process saturated for the first two minutes, event-loop delays of 1-4 s, far
// from the LAN a few nodes share that the development profile's 1 s suspicion is made for. Measured: 100 nodes pass in
// about 2 minutes. 200 nodes in a script had every member alive on every node after about 165 s, then stayed so with
// about 4 connections per node and event-loop delays of 10 ms; the one run of this test at 200 failed (the message was
// lost: stopping the 200 nodes then ran the process out of its 4 GB heap), so the default size does not pass yet.
import { expect } from 'aegir/chai'
import { startMemoryCluster } from '../../benchmarks/lib/memory-cluster.ts'
import { eventually } from '../fixtures/nodes.ts'
import { aliveCounts, connectionCounts, overlayComponents } from '../overlay/fixtures.ts'
import type { MemoryCluster } from '../../benchmarks/lib/memory-cluster.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

const NODES = Number(process.env.PARTIAL_VIEW_TEST_NODES ?? 200)
const FORM_TIMEOUT_MS = 240_000
/** libp2p's connection manager caps a node at 300; the overlay's target at 200 members */
const MAX_CONNECTIONS = 10

function summary (counts: number[]): string {
  const sorted = [...counts].sort((a, b) => a - b)
  return `min ${sorted[0]}, median ${sorted[sorted.length >> 1]}, max ${sorted[sorted.length - 1]}`
}

/** Subscribes every node, publishes `count` from `publisher`, and resolves with what each node missed. */
async function publishToAll (nodes: FoundationNode[], publisher: FoundationNode, topic: string, count: number): Promise<number[]> {
  const got = nodes.map(() => new Set<number>())
  const subscriptions = nodes.map((node, i) => node.pubsub.subscribe<number>(topic, (n) => { got[i].add(n) }))
  // gossipsub learns the subscriptions and grafts its meshes at its heartbeat
  await new Promise(resolve => setTimeout(resolve, 5000))
  for (let n = 0; n < count; n++) { await publisher.pubsub.publish(topic, n) }
  const missing = (): number[] => got.map(set => count - set.size)
  try {
    await eventually(() => missing().every(m => m === 0), () => `missing per node: ${summary(missing())}`, 30_000)
  } catch {}
  for (const s of subscriptions) { s.unsubscribe() }
  return missing()
}

const describeScale = process.env.RUN_SCALE_TESTS === '1' ? describe : describe.skip

describeScale(`scale: ${NODES} nodes in one process in the partial-view shape`, function () {
  this.timeout(FORM_TIMEOUT_MS + 180_000)
  let cluster: MemoryCluster | undefined

  afterEach(async () => { await cluster?.close() })

  it(`forms one cluster of ${NODES} with at most ${MAX_CONNECTIONS} connections per node, where publications and names reach every node`, async () => {
    cluster = await startMemoryCluster({
      nodes: NODES,
      clusterPrefix: 'partial-scale',
      encryption: 'plaintext',
      init: { overlay: { topology: 'partial-view' }, membership: { probeTimeout: 500, suspectTimeout: 10_000 } }
    })
    const { nodes } = cluster
    await eventually(() => aliveCounts(nodes).every(c => c === NODES), () => `alive counts: ${summary(aliveCounts(nodes))}`, FORM_TIMEOUT_MS)
    await eventually(() => overlayComponents(nodes).length === 1, () => `overlay components ${overlayComponents(nodes).join(' ')}`, 30_000)
    // the seed every node joined through sheds those connections a few seconds after
    await eventually(() => Math.max(...connectionCounts(nodes)) <= MAX_CONNECTIONS,
      () => `connections per node: ${summary(connectionCounts(nodes))}`, 60_000)

    // from here on nobody may be declared gone; a suspicion that its member refutes is the failure detector at work
    const departures: string[] = []
    for (const node of nodes) {
      node.membership.addEventListener('member:leave', (evt) => { departures.push(`${node.id} saw ${evt.detail.id} ${evt.detail.status}`) })
    }

    expect(await publishToAll(nodes, nodes[NODES - 1], 'everyone', 20)).to.satisfy((missing: number[]) => missing.every(m => m === 0))

    await nodes[17].spawn(class { receive (m: string): string { return `echo ${m}` } }, { name: 'scale-echo' })
    const unresolved = async (): Promise<number> => (await Promise.all(nodes.map(async n => n.lookup('scale-echo')))).filter(ref => ref == null).length
    await eventually(async () => await unresolved() === 0, 'the name resolves on every node', 60_000)
    expect(await nodes[123 % NODES].call('scale-echo', 'hi')).to.equal('echo hi')
    await eventually(() => aliveCounts(nodes).every(c => c === NODES), () => `alive counts after the work: ${summary(aliveCounts(nodes))}`, 30_000)
    expect(departures.slice(0, 5)).to.deep.equal([])
  })
})
