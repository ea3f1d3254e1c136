// Errors of the node as a whole.

/** The node was used before start() finished or after stop(). */
export class NodeNotRunningError extends Error {
  static readonly name = 'NodeNotRunningError'

  constructor (state: string) {
    super(`the node is ${state === 'new' ? 'not started' : state}`)
    this.name = 'NodeNotRunningError'
  }
}
