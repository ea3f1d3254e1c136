// The balancer benchmark's clusters: nodes started in this process over TCP on 127.0.0.1 (test/fixtures/nodes.ts
// TestNodes), each given the addresses of those already up (static discovery), waited for until all agree.
import { uniqueCluster } from '../../test/fixtures/nodes.ts'
import { agree } from '../cache/cluster.ts'
import { waitFor } from '../lib/util.ts'
import { FORM_TIMEOUT_MS, NODE_INIT } from './settings.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { FoundationInit } from '../../src/config/index.ts'
import type { TestNodes } from '../../test/fixtures/nodes.ts'

/** `init`: the options of every node (default the balancer benchmark's) */
export async function startCluster (nodes: TestNodes, count: number, prefix: string, init: FoundationInit = NODE_INIT): Promise<FoundationNode[]> {
  const clusterName = uniqueCluster(prefix)
  const started: FoundationNode[] = []
  for (let i = 0; i < count; i++) {
    const addresses = started.flatMap(p => p.addresses())
    started.push(await nodes.start({
      ...init,
      clusterName,
      name: `node-${i}`,
      discovery: { mdns: false, ...(addresses.length > 0 ? { static: addresses } : {}) }
    }))
  }
  await waitFor(() => agree(started), FORM_TIMEOUT_MS, `${count} nodes each count the ${count} members`, 50)
  return started
}
