// One distributed actor as every node knows it: what to start, where it runs, and the version that orders changes.
import { MalformedFrameError } from '../wire/errors.ts'

/** 'majority', a minimum number of reachable members, or none (0) */
export type QuorumRule = 'majority' | number

/** A built-in placement strategy, or 'custom' for a function only the spawning node has. */
export type PlacementKind = 'rendezvous' | 'hash-ring' | 'least-loaded' | 'custom'

/**
 * Orders writes of one entry. Only the node that runs an actor writes its entry (with itself as holder), except
 * stops; `time` is its wall clock kept monotonic, and the writer's id breaks exact ties, so every node keeps the
 * same write of two concurrent ones: that is how one instance per name survives a healed partition.
 */
export interface EntryVersion {
  time: number
  counter: number
  writer: string
}

export interface DirectoryEntry {
  name: string
  /** the actor type, as defined on every node that may host it */
  type: string
  args: unknown[]
  placement: PlacementKind
  /** a host must have every one of these roles */
  roles: string[]
  quorum: QuorumRule
  /** ms between state checkpoints to `replicas` other members; absent when off */
  checkpoint?: { interval: number, replicas: number }
  /** peer id of the node running it */
  holder: string
  /** true once stopped on purpose: a tombstone, so a partitioned side cannot bring it back */
  stopped: boolean
  version: EntryVersion
}

export const MAX_DISTRIBUTED_NAME = 512
const MAX_ID = 256

/** Negative when `a` is older than `b`, positive when newer, 0 for the same write. */
export function compareVersions (a: EntryVersion, b: EntryVersion): number {
  if (a.time !== b.time) { return a.time < b.time ? -1 : 1 }
  if (a.counter !== b.counter) { return a.counter < b.counter ? -1 : 1 }
  if (a.writer !== b.writer) { return a.writer < b.writer ? -1 : 1 }
  return 0
}

/** Checks an entry received from the network field by field; anything else is a MalformedFrameError. */
export function validateEntry (value: unknown): DirectoryEntry {
  const e = value as DirectoryEntry
  if (typeof value !== 'object' || value == null || Array.isArray(value)) { throw new MalformedFrameError('directory entry is not a map') }
  if (!isText(e.name, MAX_DISTRIBUTED_NAME)) { throw new MalformedFrameError('directory entry name is missing or too long') }
  if (!isText(e.type, MAX_ID) || !Array.isArray(e.args)) { throw new MalformedFrameError(`directory entry ${e.name}: type or args malformed`) }
  if (!['rendezvous', 'hash-ring', 'least-loaded', 'custom'].includes(e.placement)) { throw new MalformedFrameError(`directory entry ${e.name}: unknown placement`) }
  if (!Array.isArray(e.roles) || !e.roles.every(r => isText(r, MAX_ID))) { throw new MalformedFrameError(`directory entry ${e.name}: roles malformed`) }
  if (e.quorum !== 'majority' && !(Number.isSafeInteger(e.quorum) && e.quorum >= 0)) { throw new MalformedFrameError(`directory entry ${e.name}: quorum malformed`) }
  if (e.checkpoint != null && !(isPositive(e.checkpoint.interval) && Number.isSafeInteger(e.checkpoint.replicas) && e.checkpoint.replicas >= 0)) {
    throw new MalformedFrameError(`directory entry ${e.name}: checkpoint malformed`)
  }
  if (!isText(e.holder, MAX_ID) || typeof e.stopped !== 'boolean') { throw new MalformedFrameError(`directory entry ${e.name}: holder malformed`) }
  const v = e.version
  if (typeof v !== 'object' || v == null || !isCount(v.time) || !isCount(v.counter) || !isText(v.writer, MAX_ID)) {
    throw new MalformedFrameError(`directory entry ${e.name}: version malformed`)
  }
  return {
    name: e.name,
    type: e.type,
    args: e.args,
    placement: e.placement,
    roles: e.roles,
    quorum: e.quorum,
    ...(e.checkpoint != null ? { checkpoint: { interval: e.checkpoint.interval, replicas: e.checkpoint.replicas } } : {}),
    holder: e.holder,
    stopped: e.stopped,
    version: { time: v.time, counter: v.counter, writer: v.writer }
  }
}

function isText (value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max
}

function isCount (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

function isPositive (value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
}
