// Scale: Foundation nodes in one process on the libp2p memory transport form one cluster and keep it, with the
// default membership settings: every node counts every node alive and holds a connection to every other, without a
// single suspicion or leave on any node meanwhile or in the stable window that follows (nobody stops, nothing is
// cut, so any would be false).
//
// 30 nodes by default. With RUN_SCALE_TESTS=1 it runs at SCALE_TEST_NODES (100 by default), which fails on this
// project's 2-core machine: a full mesh of 100 nodes is 4,950 noise connections, whose setup saturates the one thread
// for minutes (bare libp2p nodes were not fully connected after 240 s either); partial views are what make that size
// form in seconds.
import { expect } from 'aegir/chai'
import { MemberTrouble } from '../../benchmarks/lib/member-trouble.ts'
import { aliveCounts, startMemoryCluster, waitFormed, waitMeshed } from '../../benchmarks/lib/memory-cluster.ts'
import type { MemoryCluster } from '../../benchmarks/lib/memory-cluster.ts'

const NODES = process.env.RUN_SCALE_TESTS === '1' ? Number(process.env.SCALE_TEST_NODES ?? 100) : 30
const FORM_TIMEOUT_MS = 150_000
/** a minute with RUN_SCALE_TESTS=1; 10 s otherwise, some 300 probes over the cluster, where CI's time is short */
const STABLE_WINDOW_MS = process.env.RUN_SCALE_TESTS === '1' ? 60_000 : 10_000

/** The nodes that do not count every member alive, fewest first, with their counts: what a failed formation missed. */
function missing (cluster: MemoryCluster): string {
  const counts = aliveCounts(cluster.nodes)
  const short = cluster.nodes.map((n, i) => ({ name: n.name, count: counts[i] })).filter(n => n.count < NODES).sort((a, b) => a.count - b.count)
  const listed = short.slice(0, 10).map(n => `${n.name} (${n.count})`).join(', ')
  return `${NODES - short.length} of ${NODES} nodes count ${NODES} alive; the others: ${listed}${short.length > 10 ? ` and ${short.length - 10} more` : ''}`
}

describe(`scale: ${NODES} nodes in one process`, function () {
  this.timeout(FORM_TIMEOUT_MS + STABLE_WINDOW_MS + 60_000)
  let cluster: MemoryCluster | undefined
  let trouble: MemberTrouble | undefined

  afterEach(async () => {
    trouble?.close()
    await cluster?.close()
  })

  it(`form a cluster in which every node counts ${NODES} alive and is connected to every other, with no suspicion or leave then or in the ${STABLE_WINDOW_MS / 1000} s after`, async () => {
    cluster = await startMemoryCluster({ nodes: NODES, clusterPrefix: 'scale-test' })
    trouble = new MemberTrouble(cluster.nodes)
    const formed = await waitFormed(cluster.nodes, FORM_TIMEOUT_MS)
    expect(formed, `not formed within ${FORM_TIMEOUT_MS} ms: ${missing(cluster)}; ${trouble.describe()}`).to.be.true()
    expect(await waitMeshed(cluster.nodes, FORM_TIMEOUT_MS), 'every node holds a connection to every other').to.be.true()
    expect(trouble.list(), `while forming: ${trouble.describe()}`).to.be.empty()

    trouble.reset()
    await new Promise(resolve => setTimeout(resolve, STABLE_WINDOW_MS))
    expect(trouble.list(), trouble.describe()).to.be.empty()
    expect(aliveCounts(cluster.nodes).every(count => count === NODES), missing(cluster)).to.be.true()
  })
})
