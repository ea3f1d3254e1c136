// Errors raised while reading Foundation frames from the network.

/** A frame announced a length above the protocol's limit. */
export class FrameTooLargeError extends Error {
  static readonly name = 'FrameTooLargeError'
  readonly length: number
  readonly limit: number

  constructor (length: number, limit: number) {
    super(`frame of ${length} bytes exceeds the ${limit} byte limit`)
    this.name = 'FrameTooLargeError'
    this.length = length
    this.limit = limit
  }
}

/** A frame could not be decoded, or decoded to a value of the wrong shape. */
export class MalformedFrameError extends Error {
  static readonly name = 'MalformedFrameError'

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'MalformedFrameError'
  }
}

/** The stream ended in the middle of a frame. */
export class TruncatedFrameError extends Error {
  static readonly name = 'TruncatedFrameError'

  constructor (missing: number) {
    super(`stream ended with ${missing} bytes of a frame still missing`)
    this.name = 'TruncatedFrameError'
  }
}
