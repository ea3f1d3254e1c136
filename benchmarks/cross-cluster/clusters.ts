// The cross-cluster benchmark's clusters, all in this process over TCP on 127.0.0.1: app with the caller and a node
// serving the direct baseline's actor, ai with the node serving the actor called across, and one gateway process
// (a federation holding a node in each). Each cluster has its own secret, as production would give it.
import { generateSecret } from '../../src/config/secret.ts'
import { TestFederations } from '../../test/fixtures/federations.ts'
import { TestNodes, uniqueCluster } from '../../test/fixtures/nodes.ts'
import { waitFor } from '../lib/util.ts'
import { FORM_TIMEOUT_MS, MEMBERSHIP, NODE_INIT } from './settings.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { FoundationInit } from '../../src/config/index.ts'
import type { FoundationFederation } from '../../src/federation/federation.ts'

/** answers with what it got */
class Echo {
  receive (message: unknown): unknown { return message }
}

export interface CrossClusterSetup {
  /** the caller, a member of app only */
  caller: FoundationNode
  /** the other cluster's name */
  ai: string
  gateway: FoundationFederation
  close(): Promise<void>
}

/** the actor's name in both clusters: the direct call and the call across name it alike */
export const ECHO = 'echo'

export async function startClusters (): Promise<CrossClusterSetup> {
  const nodes = new TestNodes()
  const federations = new TestFederations(nodes.cuts)
  const close = async (): Promise<void> => {
    await federations.stopAll()
    await nodes.stopAll()
  }
  try {
    const app = uniqueCluster('bench-app')
    const ai = uniqueCluster('bench-ai')
    const secrets = { app: generateSecret(), ai: generateSecret() }
    const node = (cluster: string, secret: string, name: string, seeds: FoundationNode[] = []): FoundationInit => ({
      ...NODE_INIT,
      clusterName: cluster,
      secret,
      name,
      membership: MEMBERSHIP,
      discovery: { mdns: false, ...(seeds.length > 0 ? { static: seeds.flatMap(s => s.addresses()) } : {}) }
    })
    const server = await nodes.start(node(app, secrets.app, 'app-server'))
    const caller = await nodes.start(node(app, secrets.app, 'caller', [server]))
    const aiServer = await nodes.start(node(ai, secrets.ai, 'ai-server'))
    const gateway = await federations.start({
      clusters: { [app]: node(app, secrets.app, 'gateway-app', [server]), [ai]: node(ai, secrets.ai, 'gateway-ai', [aiServer]) },
      gateway: true
    })
    await server.spawn(Echo, { name: ECHO })
    await aiServer.spawn(Echo, { name: ECHO })
    const appNodes = [server, caller, gateway.get(app)]
    const aiNodes = [aiServer, gateway.get(ai)]
    await waitFor(() => appNodes.every(n => n.info().nodes === 3) && aiNodes.every(n => n.info().nodes === 2), FORM_TIMEOUT_MS, 'both clusters formed')
    await waitFor(() => caller.info().remoteClusters.some(r => r.name === ai && r.reachable), FORM_TIMEOUT_MS, 'the caller knows the gateway to ai')
    return { caller, ai, gateway, close }
  } catch (err) {
    await close()
    throw err
  }
}
