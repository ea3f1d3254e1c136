// Two Foundation nodes on 127.0.0.1 with an actor on the second, for subjects that measure node-to-node traffic.
import { Foundation } from '../../src/index.ts'
import type { ActorClass, ActorRef, Cluster } from '../../src/index.ts'

export interface RemoteActor {
  /** the node that sends or calls */
  from: Cluster
  /** the actor, on the other node */
  ref: ActorRef
  close(): Promise<void>
}

export async function remoteActor (benchmark: string, actor: ActorClass): Promise<RemoteActor> {
  const cluster = `bench-${benchmark}-${process.pid}`
  const options = { clusterName: cluster, discovery: { mdns: false }, listen: ['/ip4/127.0.0.1/tcp/0'] }
  const nodes: Cluster[] = []
  const close = async (): Promise<void> => { await Promise.allSettled(nodes.map(async n => { await n.stop() })) }
  try {
    const a = await Foundation.start({ ...options, name: 'a' })
    nodes.push(a)
    const b = await Foundation.start({ ...options, name: 'b' })
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
