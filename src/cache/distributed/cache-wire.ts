// The messages cache nodes exchange over the '$cache' system endpoint, and their checks on arrival: a malformed one
// is a MalformedFrameError, which resets the stream and is counted.
import { MalformedFrameError } from '../../wire/errors.ts'
import { PARTITIONS } from './partition-ranks.ts'
import type { WireEntry } from './entry-store.ts'

export const CACHE_ENDPOINT = '$cache'

/**
 * What a member that has not opened a cache needs to keep its entries as the others do: the mode, the backups per
 * partition, and the roles of the members that keep them (sorted), which every member must agree on to rank alike.
 */
export type CacheSpec = [mode: 'partitioned' | 'replicated', replicas: number, roles: string[]]

/** An operation routed to a partition's owner. */
export type CacheOp =
  /** the values of these keys (null: none); `touch` marks them recently used */
  | ['get', string[]]
  /** writes these entries (value null: delete; ttl 0: none), answered with whether each existed */
  | ['put', Array<[key: string, value: Uint8Array | null, ttl: number]>]
  /** adds to a number entry; ttl -1 keeps the entry's */
  | ['incr', string, number, number]
  /** the value, or the right to load it (answered 'load') while other callers wait for it */
  | ['lease', string]
  /** the loader failed: the next caller waiting loads */
  | ['unlease', string]
  | ['clear']
  | ['count']

export type OpAnswer =
  | ['ok', unknown]
  /** this node does not act for the partition; the one it believes does, if any */
  | ['moved', string | null]
  | ['load']
  | ['err', 'value', string]

/** a backup's answer to the owner's writes when it does not hold the partition's earlier ones */
export const REFILL = 'refill'

/** A partition's state on a node, as 'whois' answers it: numbers on the wire. */
export const Holding = { None: 0, Filling: 1, Replica: 2, Acting: 3 } as const
export type HoldingCode = typeof Holding[keyof typeof Holding]

export type CacheMessage =
  | ['op', string, CacheSpec, number, CacheOp]
  /**
   * the owner's writes, for a backup or a member being filled, with the owner's floor; and when they changed, its
   * synced backups: a member that finds itself among them holds every acknowledged write (with no entries, this
   * announces a complete fill). Writes leave the list out (null): with every member a backup it would grow with
   * the square of the cluster
   */
  | ['rep', string, CacheSpec, number, WireEntry[], number, string[] | null]
  /** part of a partition's snapshot, with the owner's counter and floor */
  | ['fill', string, CacheSpec, number, WireEntry[], number, number]
  /**
   * the receiver owns the partition from now on: every entry reached it before this; its backups so far. Answered
   * with the backups the new owner counts on, which may be fewer (it was acting already)
   */
  | ['take', string, CacheSpec, number, number, number, string[]]
  /** the receiver no longer keeps the partition (send) */
  | ['drop', string, number]
  /** how the receiver holds these partitions: answered [partition, Holding, owner][] */
  | ['whois', string, CacheSpec, number[]]
  /** no member acts for the partition and the receiver holds every acknowledged write: take it over */
  | ['promote', string, CacheSpec, number]
  /**
   * the sender holds these partitions as the receiver's synced backup, and should keep these others and holds no
   * synced copy: answered with the first ones the receiver acts for and counts the sender among its backups
   */
  | ['vouch', string, CacheSpec, number[], number[]]
  /** the sender is handing its partitions off before it stops (send) */
  | ['leaving']

const isString = (v: unknown): v is string => typeof v === 'string'
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0
const isPartition = (v: unknown): v is number => isCount(v) && v < PARTITIONS
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64
const isValue = (v: unknown): v is Uint8Array | null => v === null || v instanceof Uint8Array

/** most roles a cache's spec names */
const MAX_SPEC_ROLES = 32

function isSpec (v: unknown): v is CacheSpec {
  return Array.isArray(v) && v.length === 3 && (v[0] === 'partitioned' || v[0] === 'replicated') && typeof v[1] === 'number' && Number.isInteger(v[1]) && v[1] >= -1 &&
    Array.isArray(v[2]) && v[2].length <= MAX_SPEC_ROLES && v[2].every(isString)
}

/** Whether two members opened a cache alike, as far as where its entries live goes. */
export function sameSpec (a: CacheSpec, b: CacheSpec): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2].join(',') === b[2].join(',')
}

export function describeSpec (spec: CacheSpec): string {
  return `${spec[0]}${spec[0] === 'partitioned' ? ` with ${spec[1]} replicas` : ''}${spec[2].length > 0 ? ` kept by ${spec[2].join(', ')}` : ''}`
}

function isWireEntry (v: unknown): v is WireEntry {
  return Array.isArray(v) && v.length === 5 && isString(v[0]) && isValue(v[1]) && isCount(v[2]) && isCount(v[3]) && isCount(v[4])
}

const isEntries = (v: unknown): v is WireEntry[] => Array.isArray(v) && v.every(isWireEntry)
export const isMembers = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString)
const isPartitions = (v: unknown): v is number[] => Array.isArray(v) && v.length <= PARTITIONS && v.every(isPartition)

function isOp (v: unknown): v is CacheOp {
  if (!Array.isArray(v)) { return false }
  switch (v[0]) {
    case 'get': return v.length === 2 && Array.isArray(v[1]) && v[1].every(isString)
    case 'put': return v.length === 2 && Array.isArray(v[1]) && v[1].every(i => Array.isArray(i) && i.length === 3 && isString(i[0]) && isValue(i[1]) && isCount(i[2]))
    case 'incr': return v.length === 4 && isString(v[1]) && Number.isFinite(v[2]) && typeof v[3] === 'number' && v[3] >= -1
    case 'lease':
    case 'unlease': return v.length === 2 && isString(v[1])
    case 'clear':
    case 'count': return v.length === 1
    default: return false
  }
}

export function validateCacheMessage (value: unknown): CacheMessage {
  if (!Array.isArray(value)) { throw new MalformedFrameError('cache message is not a tuple') }
  const [kind, cache, spec, partition] = value
  if (kind === 'leaving' && value.length === 1) { return value as CacheMessage }
  if (!isName(cache)) { throw new MalformedFrameError('cache message without a cache name') }
  if (kind === 'drop' && value.length === 3 && isPartition(spec)) { return value as CacheMessage }
  if (!isSpec(spec)) { throw new MalformedFrameError(`cache message ${String(kind)} without a valid spec`) }
  const ok = ((): boolean => {
    switch (kind) {
      case 'op': return value.length === 5 && isPartition(partition) && isOp(value[4])
      case 'rep': return value.length === 7 && isPartition(partition) && isEntries(value[4]) && isCount(value[5]) && (value[6] === null || isMembers(value[6]))
      case 'fill': return value.length === 7 && isPartition(partition) && isEntries(value[4]) && isCount(value[5]) && isCount(value[6])
      case 'take': return value.length === 7 && isPartition(partition) && isCount(value[4]) && isCount(value[5]) && isMembers(value[6])
      case 'whois': return value.length === 4 && isPartitions(partition)
      case 'promote': return value.length === 4 && isPartition(partition)
      case 'vouch': return value.length === 5 && isPartitions(partition) && isPartitions(value[4])
      default: return false
    }
  })()
  if (!ok) { throw new MalformedFrameError(`malformed cache message ${String(kind)}`) }
  return value as CacheMessage
}
