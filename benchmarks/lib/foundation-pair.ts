// Two Foundation nodes on 127.0.0.1 with an actor on the second, for subjects that measure node-to-node traffic.
import { randomBytes } from 'node:crypto'
import { resolveConfig, startFoundationNode } from '../../src/internal.ts'
import type { NodeSeams } from '../../src/cluster/start-node.ts'
import type { ActorClass, ActorRef, Cluster, FoundationInit } from '../../src/index.ts'

export interface RemoteActor {
  /** the node that sends or calls */
  from: Cluster
  /** the actor, on the other node */
  ref: ActorRef
  close(): Promise<void>
}

/** A cluster name of its own, so that pairs set up in one process never see each other. */
export function benchCluster (benchmark: string): string {
  return `bench-${benchmark}-${process.pid}-${randomBytes(3).toString('hex')}`
}

/**
 * `init` is merged into both nodes' options (observability switches, for instance); `seams` swap parts inside both
 * (what `Foundation.start` does, with them).
 */
export async function remoteActor (benchmark: string, actor: ActorClass, init: FoundationInit = {}, seams: NodeSeams = {}): Promise<RemoteActor> {
  const options = { ...init, clusterName: benchCluster(benchmark), discovery: { mdns: false }, listen: ['/ip4/127.0.0.1/tcp/0'] }
  const nodes: Cluster[] = []
  const close = async (): Promise<void> => { await Promise.allSettled(nodes.map(async n => { await n.stop() })) }
  try {
    const a = await startFoundationNode(resolveConfig({ ...options, name: 'a' }), seams)
    nodes.push(a)
    const b = await startFoundationNode(resolveConfig({ ...options, name: 'b' }), seams)
    nodes.push(b)
    await b.connect(a.addresses())
    const ref = await b.spawn(actor, { name: benchmark })
    if (ref.node === a.id) { throw new Error('the actor must live on the other node') }
    return { from: a, ref, close }
  } catch (err) {
    await close()
    throw err
  }
}
