// Errors of the node as a whole.

/** The node was used before start() finished or after stop(). */
export class NodeNotRunningError extends Error {
  static readonly name = 'NodeNotRunningError'

  constructor (state: string) {
    super(`the node is ${state === 'new' ? 'not started' : state}`)
    this.name = 'NodeNotRunningError'
  }
}

/** A peer was reached but did not join as a member in time: it belongs to another cluster, or is no Foundation node. */
export class JoinTimeoutError extends Error {
  static readonly name = 'JoinTimeoutError'
  readonly peer: string

  constructor (peer: string, timeout: number) {
    super(`connected to ${peer}, but it did not join this cluster within ${timeout} ms (another cluster, or not a Foundation node)`)
    this.name = 'JoinTimeoutError'
    this.peer = peer
  }
}
