// Errors of sending and calling, named so callers can branch on `.name`.

/** A call got no answer in time. */
export class CallTimeoutError extends Error {
  static readonly name = 'CallTimeoutError'
  readonly timeout: number

  constructor (target: string, timeout: number) {
    super(`call to ${target} timed out after ${timeout} ms`)
    this.name = 'CallTimeoutError'
    this.timeout = timeout
  }
}

/** The node that hosts the target is not a live member, or was lost while the call was in flight. */
export class NodeDownError extends Error {
  static readonly name = 'NodeDownError'
  readonly node: string

  constructor (node: string, options?: ErrorOptions) {
    super(`node ${node} is down`, options)
    this.name = 'NodeDownError'
    this.node = node
  }
}

/** The caller's AbortSignal fired. */
export class AbortError extends Error {
  static readonly name = 'AbortError'

  constructor (reason?: unknown) {
    super('the operation was aborted', { cause: reason })
    this.name = 'AbortError'
  }
}

/** An outgoing message encodes to more bytes than the cluster's maxMessageSize. */
export class MessageTooLargeError extends Error {
  static readonly name = 'MessageTooLargeError'
  readonly size: number
  readonly limit: number

  constructor (size: number, limit: number) {
    super(`message of ${size} bytes exceeds messaging.maxMessageSize (${limit} bytes)`)
    this.name = 'MessageTooLargeError'
    this.size = size
    this.limit = limit
  }
}

/** A call was refused because its node already has messaging.maxQueuedBytes waiting: it is slow or stalled. */
export class PeerOverloadedError extends Error {
  static readonly name = 'PeerOverloadedError'
  readonly node: string

  constructor (node: string, limit: number) {
    super(`node ${node} already has ${limit} bytes of messages waiting for it`)
    this.name = 'PeerOverloadedError'
    this.node = node
  }
}

/**
 * A publication whose signature is not its named sender's: a peer claiming to publish as another node, or a batch
 * changed on its way. It is dropped and counted; the node keeps running.
 */
export class ForgedPublicationError extends Error {
  static readonly name = 'ForgedPublicationError'
  readonly from: string

  constructor (from: string) {
    super(`publication claiming sender ${from.slice(0, 80)} is not signed by it`)
    this.name = 'ForgedPublicationError'
    this.from = from
  }
}

/** A publish on a node that is not running: before its start or after its stop, no other node would get it. */
export class PubSubNotRunningError extends Error {
  static readonly name = 'PubSubNotRunningError'

  constructor () {
    super('pub/sub is not running: publish between the node\'s start and its stop')
    this.name = 'PubSubNotRunningError'
  }
}
