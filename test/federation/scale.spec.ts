// Calls across clusters at size: 26 nodes in this process on the libp2p memory transport without noise (as the scale
// tests keep one process cheap), app with 16 nodes and ai with 6, and two gateways holding a node in each. Every node
// of app calls an actor of ai, and every call is answered.
import { memory } from '@libp2p/memory'
import { plaintext } from '@libp2p/plaintext'
import { expect } from 'aegir/chai'
import { startMemoryCluster } from '../../benchmarks/lib/memory-cluster.ts'
import { TestFederations } from '../fixtures/federations.ts'
import { NetworkCuts } from '../fixtures/network-cuts.ts'
import { eventually } from '../fixtures/nodes.ts'
import type { MemoryCluster } from '../../benchmarks/lib/memory-cluster.ts'
import type { Actor } from '../../src/actors/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

const APP_NODES = 16
const AI_NODES = 6
const GATEWAYS = 2
const CALLS_PER_NODE = 5
/** 26 nodes share one event loop: probes slower than the fast test settings, as the other scale tests set them */
const LIGHT_MEMBERSHIP = { probeInterval: 1000, probeTimeout: 500, suspectTimeout: 4000 }

class Model implements Actor {
  receive (message: { from: string }): string { return `answered ${message.from}` }
}

describe(`calls across clusters on ${APP_NODES + AI_NODES + 2 * GATEWAYS} nodes in one process`, function () {
  this.timeout(90_000)
  const federations = new TestFederations(new NetworkCuts())
  let app: MemoryCluster | undefined
  let ai: MemoryCluster | undefined

  after(async () => {
    await federations.stopAll()
    await Promise.allSettled([app?.close(), ai?.close()])
  })

  it(`answers ${CALLS_PER_NODE} calls from every node of app to an actor of ai, through ${GATEWAYS} gateways`, async () => {
    const init = { membership: LIGHT_MEMBERSHIP }
    ;[app, ai] = await Promise.all([
      startMemoryCluster({ nodes: APP_NODES, clusterPrefix: 'fed-app', init, encryption: 'plaintext' }),
      startMemoryCluster({ nodes: AI_NODES, clusterPrefix: 'fed-ai', init, encryption: 'plaintext' })
    ])
    const appName = app.nodes[0].config.clusterName
    const aiName = ai.nodes[0].config.clusterName
    await ai.nodes[AI_NODES - 1].spawn(Model, { name: 'model' })
    const entry = (cluster: MemoryCluster, name: string, gateway: number): object => ({
      name: `gw${gateway}-${name}`,
      listen: [`/memory/${name}-gw${gateway}`],
      discovery: { mdns: false, static: cluster.nodes[0].addresses() },
      membership: LIGHT_MEMBERSHIP,
      http: { enabled: false }
    })
    const gateways = await Promise.all(Array.from({ length: GATEWAYS }, async (_, i) => federations.start(
      { clusters: { [appName]: entry(app!, appName, i), [aiName]: entry(ai!, aiName, i) }, gateway: true },
      () => ({ transports: [memory()], encrypters: [plaintext()] })
    )))
    const appNodes: FoundationNode[] = [...app.nodes, ...gateways.map(g => g.get(appName))]
    const aiNodes: FoundationNode[] = [...ai.nodes, ...gateways.map(g => g.get(aiName))]
    const counts = (nodes: FoundationNode[]): string => nodes.map(n => n.info().nodes).join(' ')
    await eventually(() => appNodes.every(n => n.info().nodes === appNodes.length), () => `app members counted: ${counts(appNodes)}`, 60_000)
    await eventually(() => aiNodes.every(n => n.info().nodes === aiNodes.length), () => `ai members counted: ${counts(aiNodes)}`, 60_000)
    await eventually(() => app!.nodes.every(n => n.info().remoteClusters.some(r => r.name === aiName && r.gateways === GATEWAYS)), 'every app node knows both gateways', 30_000)

    const answers = await Promise.all(appNodes.map(async (node) => {
      const replies: string[] = []
      for (let i = 0; i < CALLS_PER_NODE; i++) { replies.push(await node.callCluster<string>(aiName, 'model', { from: node.name }, { timeout: 10_000 })) }
      return replies
    }))
    expect(answers.flat()).to.have.lengthOf(appNodes.length * CALLS_PER_NODE)
    for (const [i, replies] of answers.entries()) { expect(replies.every(r => r === `answered ${appNodes[i].name}`), appNodes[i].name).to.equal(true) }
    // both gateways carried calls: each is among the few every node chooses from
    const used = gateways.map(g => app!.nodes.filter(n => n.crossCluster.remote(aiName)?.get(g.get(appName).id)?.latency.known === true).length)
    expect(used.every(count => count > 0), `app nodes that used each gateway: ${used.join(', ')}`).to.equal(true)
  })
})
