// Starts one node per cluster of a federation, all at once, each with its own host, secret and parts; a start that
// fails stops the nodes already started, so a bad entry leaves nothing running.
import { defaultLogger } from '@libp2p/logger'
import { startFoundationNode } from '../cluster/start-node.ts'
import { resolveFederation, resolveFederationHttp } from './federation-config.ts'
import { serveFederation } from './federation-http.ts'
import { FoundationFederation } from './federation.ts'
import type { FederationInit, SiblingLookup } from './index.ts'
import type { FoundationNode } from '../cluster/foundation-node.ts'
import type { NodeSeams } from '../cluster/start-node.ts'
import type { Env } from '../config/env.ts'

export interface FederationSeams {
  /** the seams of each cluster's node (see NodeSeams): tests cut the network and choose transports with them */
  seams?(cluster: string): NodeSeams
  /** where FOUNDATION_* variables are read (default process.env) */
  env?: Env
}

export async function startFederation (init: FederationInit, options: FederationSeams = {}): Promise<FoundationFederation> {
  const configs = resolveFederation(init, options.env)
  const nodes = new Map<string, FoundationNode>()
  // a node's siblings are the others while they run: a gateway whose node in the other cluster has not started yet,
  // or is stopping, answers that it cannot reach that cluster
  const siblings: SiblingLookup = (cluster) => {
    const node = nodes.get(cluster)
    return node?.lifecycle === 'running' ? node : undefined
  }
  const started = await Promise.allSettled(configs.map(async ({ name, config }) => {
    const node = await startFoundationNode(config, { ...options.seams?.(name), siblings })
    nodes.set(name, node)
  }))
  const failed = started.find(result => result.status === 'rejected')
  if (failed != null) {
    await Promise.allSettled([...nodes.values()].map(async node => { await node.stop() }))
    throw failed.reason
  }
  // in the order given, whichever started first
  const federation = new FoundationFederation(new Map(configs.map(({ name }) => [name, nodes.get(name) as FoundationNode])))
  const http = resolveFederationHttp(init)
  if (http == null) { return federation }
  try {
    await federation.serve(serveFederation(federation, http, defaultLogger().forComponent('foundation:federation:http')))
  } catch (err) {
    // a port that is taken leaves nothing running, as a bad entry does
    await federation.stop().catch(() => {})
    throw err
  }
  return federation
}
