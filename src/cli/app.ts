// What an application module run by `foundation dev` exports, and what it is given.
import type { Cluster } from '../cluster/index.ts'

/** What `foundation dev` tells each node's application besides its cluster. */
export interface DevAppContext {
  /** this node's name: 'node-1' to 'node-N' */
  name: string
  /** this node's position, from 1 to `nodes` */
  index: number
  /** how many nodes `foundation dev` runs */
  nodes: number
  /** 0 on the first start, then 1, 2... each time `--watch` restarted this node with new code */
  restart: number
  /** aborted when the node begins to stop (Ctrl-C, a restart): end timers and loops here */
  signal: AbortSignal
}

/** Run before the node leaves the cluster: close what the application opened. */
export type DevAppCleanup = () => void | Promise<void>

/**
 * The default export of an application module run by `foundation dev APP`. It is called once per node, with the
 * node already started (it may not have found the others yet), and awaited before the node counts as started.
 * Whatever it returns, if a function, is awaited before the node leaves the cluster; the node's distributed
 * actors are then handed off to the other nodes with their state.
 *
 * @example
 * ```ts
 * import type { DevApp } from 'foundation-mesh'
 *
 * const app: DevApp = async (cluster, { name, signal }) => {
 *   const timer = setInterval(() => { cluster.send('audit', { from: name }) }, 1000)
 *   signal.addEventListener('abort', () => { clearInterval(timer) })
 * }
 * export default app
 * ```
 */
export type DevApp = (cluster: Cluster, context: DevAppContext) => void | DevAppCleanup | Promise<void | DevAppCleanup>
