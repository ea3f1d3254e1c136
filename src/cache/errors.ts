// Errors of caches, named so callers can branch on `.name`.

/** A cache option is wrong, or differs from the options the cache was opened with. */
export class CacheOptionError extends Error {
  static readonly name = 'CacheOptionError'
  readonly option: string

  constructor (cache: string, option: string, message: string) {
    super(`cache "${cache}": ${option} ${message}`)
    this.name = 'CacheOptionError'
    this.option = option
  }
}

/** An encoded value is larger than the cache takes: nothing was stored. */
export class EntryTooLargeError extends Error {
  static readonly name = 'EntryTooLargeError'
  readonly key: string
  readonly size: number
  readonly limit: number

  constructor (cache: string, key: string, size: number, limit: number) {
    super(`cache "${cache}": the value of "${key}" is ${size} bytes encoded, more than maxEntrySize (${limit}); nothing was stored`)
    this.name = 'EntryTooLargeError'
    this.key = key
    this.size = size
    this.limit = limit
  }
}

/** An operation on an entry of the wrong type, such as incr on a string. */
export class CacheValueError extends Error {
  static readonly name = 'CacheValueError'

  constructor (cache: string, key: string, message: string) {
    super(`cache "${cache}": "${key}" ${message}`)
    this.name = 'CacheValueError'
  }
}

/** No member answered for the key's partition in time: its owner is moving, lost, or the node is cut off. */
export class CacheUnavailableError extends Error {
  static readonly name = 'CacheUnavailableError'
  readonly key: string

  constructor (cache: string, key: string, reason: string) {
    super(`cache "${cache}": no owner of "${key}" answered (${reason})`)
    this.name = 'CacheUnavailableError'
    this.key = key
  }
}
