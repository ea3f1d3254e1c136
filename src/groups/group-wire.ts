// The bodies nodes exchange at the '$groups' endpoint: building them within the size limit, and checking them on arrival.
import { InvalidGroupMessageError, InvalidGroupNameError } from './errors.ts'
import type { Delta, Entries, OwnerSnapshot, Version } from './group-table.ts'

/** The system endpoint every node serves its group replication at. */
export const GROUPS_SERVICE = '$groups'
/** Longest group name, in characters. */
export const MAX_GROUP_NAME = 256
/** Actor ids are short base-36 counters; anything far longer is not one. */
const MAX_ACTOR_ID = 64
/** A snapshot split in more parts than this is refused: with 1 MiB messages that is over a hundred MiB of memberships. */
export const MAX_SNAPSHOT_PARTS = 256

/**
 * What travels: a part of the sender's snapshot, a delta of its changes, a request for its snapshot ('pull'), or
 * the version it is at ('have', sent now and then so a replica that missed a message notices and pulls).
 */
export type GroupMessage =
  | { kind: 'snapshot', snapshot: OwnerSnapshot, part: number, parts: number }
  | { kind: 'delta', delta: Delta }
  | { kind: 'pull' }
  | { kind: 'have', version: Version }

export function isGroupName (group: unknown): group is string {
  return typeof group === 'string' && group.length > 0 && group.length <= MAX_GROUP_NAME
}

export function assertGroupName (group: unknown): asserts group is string {
  if (!isGroupName(group)) { throw new InvalidGroupNameError(group, MAX_GROUP_NAME) }
}

/** The bodies carrying a snapshot, each estimated under `budget` bytes; [] when it would take too many parts. */
export function snapshotBodies (snapshot: OwnerSnapshot, budget: number): unknown[] {
  const parts = splitEntries(snapshot.entries, budget)
  if (parts.length > MAX_SNAPSHOT_PARTS) { return [] }
  const { epoch, seq } = snapshot.version
  return parts.map((g, i) => ({ k: 'snap', e: epoch, s: seq, g, i, n: parts.length }))
}

/** The body of a delta, or undefined when it would not fit `budget` bytes (send a snapshot instead). */
export function deltaBody (delta: Delta, budget: number): unknown {
  if (entriesSize(delta.joined) + entriesSize(delta.left) > budget) { return undefined }
  return { k: 'delta', e: delta.version.epoch, b: delta.base.seq, s: delta.version.seq, j: delta.joined, l: delta.left }
}

export const PULL_BODY = { k: 'pull' }

export function haveBody (version: Version): unknown {
  return { k: 'have', e: version.epoch, s: version.seq }
}

/** Checks a body received from the network; throws InvalidGroupMessageError naming what was wrong. */
export function validateGroupMessage (body: unknown): GroupMessage {
  if (typeof body !== 'object' || body == null || Array.isArray(body)) { throw new InvalidGroupMessageError('not an object') }
  const msg = body as Record<string, unknown>
  switch (msg.k) {
    case 'snap': {
      const part = count(msg.i, 'part index')
      const parts = count(msg.n, 'part count')
      if (parts < 1 || parts > MAX_SNAPSHOT_PARTS || part >= parts) { throw new InvalidGroupMessageError(`part ${part} of ${parts}`) }
      return { kind: 'snapshot', snapshot: { version: version(msg), entries: entries(msg.g) }, part, parts }
    }
    case 'delta': {
      const { epoch, seq } = version(msg)
      const base = count(msg.b, 'base sequence')
      if (base >= seq) { throw new InvalidGroupMessageError(`delta from ${base} to ${seq} does not move forward`) }
      return { kind: 'delta', delta: { base: { epoch, seq: base }, version: { epoch, seq }, joined: entries(msg.j), left: entries(msg.l) } }
    }
    case 'pull':
      return { kind: 'pull' }
    case 'have':
      return { kind: 'have', version: version(msg) }
    default:
      throw new InvalidGroupMessageError(`unknown kind ${JSON.stringify(String(msg.k)).slice(0, 40)}`)
  }
}

function version (msg: Record<string, unknown>): Version {
  return { epoch: count(msg.e, 'epoch'), seq: count(msg.s, 'sequence') }
}

function count (value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) { throw new InvalidGroupMessageError(`${what} is not a non-negative integer`) }
  return value
}

function entries (value: unknown): Entries {
  if (!Array.isArray(value)) { throw new InvalidGroupMessageError('memberships are not a list') }
  for (const entry of value) {
    if (!Array.isArray(entry) || entry.length !== 2) { throw new InvalidGroupMessageError('a membership entry is not [group, ids]') }
    if (!isGroupName(entry[0])) { throw new InvalidGroupMessageError(`a group name is not a string of 1 to ${MAX_GROUP_NAME} characters`) }
    const ids: unknown = entry[1]
    if (!Array.isArray(ids)) { throw new InvalidGroupMessageError(`the members of "${entry[0]}" are not a list`) }
    for (const id of ids) {
      if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ACTOR_ID) { throw new InvalidGroupMessageError(`a member of "${entry[0]}" is not an actor id`) }
    }
  }
  return value as Entries
}

/** An upper bound of a string's msgpack size: 3 bytes per UTF-16 unit at most, and a header. */
function stringSize (value: string): number {
  return value.length * 3 + 5
}

function entriesSize (list: Entries): number {
  let size = 5
  for (const [group, ids] of list) {
    size += stringSize(group) + 10
    for (const id of ids) { size += stringSize(id) }
  }
  return size
}

/** Splits memberships into lists each estimated under `budget` bytes; a big group is split across lists. */
function splitEntries (list: Entries, budget: number): Entries[] {
  const parts: Entries[] = []
  let part: Entries = []
  let size = 5
  const close = (): void => {
    parts.push(part)
    part = []
    size = 5
  }
  for (const [group, ids] of list) {
    const header = stringSize(group) + 10
    if (size + header + stringSize(ids[0] ?? '') > budget && part.length > 0) { close() }
    let current: string[] = []
    part.push([group, current])
    size += header
    for (const id of ids) {
      if (size + stringSize(id) > budget && current.length > 0) {
        close()
        current = []
        part.push([group, current])
        size += header
      }
      current.push(id)
      size += stringSize(id)
    }
  }
  if (part.length > 0 || parts.length === 0) { parts.push(part) }
  return parts
}
