// The node processes of `foundation dev`: starts them and waits while the cluster forms, restarts them one at a
// time with new code, and stops them all.
import { NodeHandle } from './node-handle.ts'
import type { NodeSpec } from './node-handle.ts'
import type { Output } from '../output.ts'

export interface DevClusterInit {
  nodes: number
  cluster: string
  app?: string
  /** how long the cluster may take to form, and a restarted node to join */
  formTimeout: number
  /** how long a node may take to leave (handing its actors off) and exit before it is killed */
  stopTimeout: number
}

/** The cluster did not form in time, or a node failed to start. */
export class FormationError extends Error {
  static readonly name = 'FormationError'

  constructor (message: string) {
    super(message)
    this.name = 'FormationError'
  }
}

export class DevCluster {
  readonly init: DevClusterInit
  /** the current process of each node, by index - 1 */
  readonly nodes: NodeHandle[] = []
  /** called when a node exits without being told to */
  onLost: (node: NodeHandle) => void = () => {}
  private readonly output: Output
  private readonly waiters = new Set<() => void>()
  private readonly stopping = new Set<NodeHandle>()

  constructor (init: DevClusterInit, output: Output) {
    this.init = init
    this.output = output
  }

  /** Starts every node and shows the progress until each sees all the others; FormationError on failure or timeout. */
  async start (signal: AbortSignal): Promise<void> {
    for (let index = 1; index <= this.init.nodes; index++) {
      this.nodes.push(this.spawn({ ...this.spec(index), restart: 0 }))
    }
    try {
      await this.until('the cluster to form', () => this.formed(), signal, () => {
        const joined = this.nodes.filter(node => node.sees(this.init.nodes)).length
        this.output.status(`forming: ${joined}/${this.init.nodes} nodes joined`)
      })
    } finally {
      this.output.endStatus()
    }
  }

  /** every node runs and sees all the others */
  formed (): boolean {
    return this.nodes.every(node => node.sees(this.init.nodes))
  }

  /**
   * Restarts the nodes one at a time: each leaves gracefully (its distributed actors handed off to the others),
   * exits, starts again, and the next one goes only once every node sees the whole cluster again.
   */
  async restartEach (signal: AbortSignal): Promise<void> {
    // nodes that died (their code failed) come back first, so the others have a whole cluster to hand off to
    const order = this.nodes.map((_node, i) => i).sort((a, b) => Number(this.nodes[b].exit != null) - Number(this.nodes[a].exit != null))
    for (const [step, i] of order.entries()) {
      if (signal.aborted) { return }
      const old = this.nodes[i]
      this.output.line(`foundation: restarting ${old.spec.name} (${step + 1}/${this.nodes.length})`)
      if (old.exit == null) { await this.stopNode(old) }
      if (signal.aborted) { return }
      const node = this.nodes[i] = this.spawn({ ...old.spec, restart: old.spec.restart + 1 })
      await this.until(`${node.spec.name} to join again`, () => this.formed(), signal)
      this.output.line(`foundation: ${node.spec.name} is back (pid ${node.pid}, ${node.http ?? 'no HTTP'})`)
    }
  }

  /** Stops every node at once, gracefully; one that hangs is killed. True when every one exited cleanly. */
  async stop (): Promise<boolean> {
    await Promise.all(this.nodes.map(async node => { await this.stopNode(node) }))
    return this.nodes.every(node => !node.killed && node.exit?.code === 0)
  }

  /** Kills every node now (a second Ctrl-C). */
  kill (): void {
    for (const node of this.nodes) { node.kill() }
  }

  private spec (index: number): Omit<NodeSpec, 'restart'> {
    return { name: `node-${index}`, index, nodes: this.init.nodes, cluster: this.init.cluster, ...(this.init.app != null ? { app: this.init.app } : {}) }
  }

  private spawn (spec: NodeSpec): NodeHandle {
    const node = new NodeHandle(spec, this.output, (changed) => {
      if (changed.exit != null && !this.stopping.has(changed) && this.nodes.includes(changed)) { this.onLost(changed) }
      this.wake()
    })
    this.output.line(`foundation: ${spec.name} starts${spec.restart > 0 ? ' with the new code' : ''} (pid ${node.pid})`)
    return node
  }

  private async stopNode (node: NodeHandle): Promise<void> {
    this.stopping.add(node)
    await node.stop(this.init.stopTimeout)
  }

  /** Resolves once `done` holds; FormationError when a node fails to start, or after the timeout. */
  private async until (what: string, done: () => boolean, signal: AbortSignal, progress?: () => void): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        progress?.()
        const failed = this.nodes.find(node => node.failure != null || (node.exit != null && !this.stopping.has(node)))
        if (signal.aborted) {
          finish(() => { reject(signal.reason) })
        } else if (failed != null) {
          finish(() => { reject(new FormationError(`${failed.spec.name} ${failed.failure != null ? `failed to start: ${failed.failure}` : failed.describeExit()}`)) })
        } else if (done()) {
          finish(resolve)
        }
      }
      const timer = setTimeout(() => {
        finish(() => { reject(new FormationError(`waited ${this.init.formTimeout / 1000} s for ${what}`)) })
      }, this.init.formTimeout)
      const finish = (then: () => void): void => {
        clearTimeout(timer)
        this.waiters.delete(check)
        signal.removeEventListener('abort', check)
        then()
      }
      signal.addEventListener('abort', check)
      this.waiters.add(check)
      check()
    })
  }

  private wake (): void {
    for (const waiter of this.waiters) { waiter() }
  }
}
