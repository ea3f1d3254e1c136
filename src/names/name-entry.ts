// One name as every node knows it: who holds it, what it stands for (a local actor, or a distributed actor and what
// to start), and the version that orders writes of it. Local and distributed actors share these entries, so a name
// is taken once cluster-wide whatever the kind of the actor that takes it.
import { isActorRef } from '../actors/ref.ts'
import { MalformedFrameError } from '../wire/errors.ts'
import { InvalidNameError } from './errors.ts'
import type { ActorRef } from '../actors/ref.ts'

/** longest name accepted, in UTF-16 code units */
export const MAX_NAME_LENGTH = 512
/** longest peer id, actor id, type or role accepted */
export const MAX_ID_LENGTH = 256

/** where a distributed actor's ref points: `~` and its name, on its holder */
export const DISTRIBUTED_PREFIX = '~'

/**
 * Orders writes of one name. `time` is the writer's wall clock kept monotonic (a VersionClock), `counter` separates
 * writes within one ms, and the writer's id breaks exact ties, so every node keeps the same write of two concurrent
 * ones: that is how one holder per name survives a healed partition.
 */
export interface NameVersion {
  time: number
  counter: number
  writer: string
}

/** 'majority', a minimum number of reachable members, or none (0) */
export type QuorumRule = 'majority' | number

/** A built-in placement strategy, or 'custom' for a function only the spawning node has. */
export type PlacementKind = 'rendezvous' | 'hash-ring' | 'least-loaded' | 'custom'

interface EntryBase {
  name: string
  /** peer id of the node the actor runs on */
  holder: string
  /** true once given up on purpose: a tombstone, so an older write arriving late cannot revive the name */
  stopped: boolean
  /** this write: a move, a failover or a stop of the actor writes the entry again, with a newer version */
  version: NameVersion
  /**
   * the write that took the name, when it is not this one (a distributed actor moved or failed over since): of two
   * actors that took one name, the one that took it last keeps it, however often the other moved since
   */
  taken?: NameVersion
}

/** A name held by an actor of one node: it goes with the actor, or with the node when the node leaves. */
export interface LocalNameEntry extends EntryBase {
  kind: 'local'
  /** the actor's id on its holder */
  id: string
}

/** A distributed actor: it outlives its holder, restarted elsewhere from this entry when the holder is lost. */
export interface DistributedNameEntry extends EntryBase {
  kind: 'distributed'
  /** the actor type, as defined on every node that may host it */
  type: string
  args: unknown[]
  placement: PlacementKind
  /** a host must have every one of these roles */
  roles: string[]
  quorum: QuorumRule
  /** ms between state checkpoints to `replicas` other members; absent when off */
  checkpoint?: { interval: number, replicas: number }
  /**
   * set by the write that restarted the actor because its holder was taken for dead: that holder, and the write it
   * ran the actor under. A holder that was never really dead (it was across a partition, or slow) and still runs the
   * actor under that very write claims it back, so the actor it kept running, with its state, is the one that stays
   */
  failedOverFrom?: { holder: string, version: NameVersion }
}

export type NameEntry = LocalNameEntry | DistributedNameEntry

/** The write that took the entry's name. */
export function takenAt (entry: NameEntry): NameVersion {
  return entry.taken ?? entry.version
}

/**
 * Orders two writes of one name: the actor that took the name last first, then, for writes about one actor, the
 * latest write (a move, a failover, a stop). Negative when `a` is older, 0 for the same write.
 */
export function compareEntries (a: NameEntry, b: NameEntry): number {
  return compareVersions(takenAt(a), takenAt(b)) || compareVersions(a.version, b.version)
}

/** Negative when `a` is older than `b`, positive when newer, 0 for the same write. */
export function compareVersions (a: NameVersion, b: NameVersion): number {
  if (a.time !== b.time) { return a.time < b.time ? -1 : 1 }
  if (a.counter !== b.counter) { return a.counter < b.counter ? -1 : 1 }
  if (a.writer !== b.writer) { return a.writer < b.writer ? -1 : 1 }
  return 0
}

/** The ref a name stands for: the local actor, or the distributed actor's name on its holder. */
export function refOf (entry: NameEntry): ActorRef {
  return entry.kind === 'local' ? { node: entry.holder, id: entry.id } : { node: entry.holder, id: DISTRIBUTED_PREFIX + entry.name }
}

export function checkName (name: unknown): asserts name is string {
  if (!isText(name, MAX_NAME_LENGTH)) { throw new InvalidNameError(`a name must be a string of 1 to ${MAX_NAME_LENGTH} characters`) }
}

export function checkRef (ref: unknown): asserts ref is ActorRef {
  if (!isActorRef(ref) || !isText(ref.node, MAX_ID_LENGTH) || !isText(ref.id, MAX_ID_LENGTH)) {
    throw new InvalidNameError(`a ref needs a node and an id of 1 to ${MAX_ID_LENGTH} characters`)
  }
}

/** Checks an entry received from the network field by field; anything else is a MalformedFrameError. */
export function validateEntry (value: unknown): NameEntry {
  const e = value as Partial<Omit<LocalNameEntry, 'kind'> & Omit<DistributedNameEntry, 'kind'>> & { kind?: unknown }
  if (typeof value !== 'object' || value == null || Array.isArray(value)) { throw new MalformedFrameError('name entry is not a map') }
  if (!isText(e.name, MAX_NAME_LENGTH)) { throw new MalformedFrameError('name entry: name missing or too long') }
  if (!isText(e.holder, MAX_ID_LENGTH) || typeof e.stopped !== 'boolean') { throw new MalformedFrameError(`name entry ${e.name}: holder malformed`) }
  const v = e.version
  if (typeof v !== 'object' || v == null || !isCount(v.time) || !isCount(v.counter) || !isText(v.writer, MAX_ID_LENGTH)) {
    throw new MalformedFrameError(`name entry ${e.name}: version malformed`)
  }
  const t = e.taken
  if (t != null && (typeof t !== 'object' || !isCount(t.time) || !isCount(t.counter) || !isText(t.writer, MAX_ID_LENGTH))) {
    throw new MalformedFrameError(`name entry ${e.name}: taken malformed`)
  }
  const base = {
    name: e.name,
    holder: e.holder,
    stopped: e.stopped,
    version: { time: v.time, counter: v.counter, writer: v.writer },
    ...(t != null ? { taken: { time: t.time, counter: t.counter, writer: t.writer } } : {})
  }
  if (e.kind === 'local') {
    if (!isText(e.id, MAX_ID_LENGTH)) { throw new MalformedFrameError(`name entry ${e.name}: actor id malformed`) }
    return { kind: 'local', ...base, id: e.id }
  }
  if (e.kind !== 'distributed') { throw new MalformedFrameError(`name entry ${e.name}: unknown kind`) }
  if (!isText(e.type, MAX_ID_LENGTH) || !Array.isArray(e.args)) { throw new MalformedFrameError(`name entry ${e.name}: type or args malformed`) }
  if (e.placement == null || !['rendezvous', 'hash-ring', 'least-loaded', 'custom'].includes(e.placement)) { throw new MalformedFrameError(`name entry ${e.name}: unknown placement`) }
  if (!Array.isArray(e.roles) || !e.roles.every(r => isText(r, MAX_ID_LENGTH))) { throw new MalformedFrameError(`name entry ${e.name}: roles malformed`) }
  if (e.quorum !== 'majority' && !(Number.isSafeInteger(e.quorum) && (e.quorum as number) >= 0)) { throw new MalformedFrameError(`name entry ${e.name}: quorum malformed`) }
  const c = e.checkpoint
  if (c != null && !(isPositive(c.interval) && Number.isSafeInteger(c.replicas) && c.replicas >= 0)) {
    throw new MalformedFrameError(`name entry ${e.name}: checkpoint malformed`)
  }
  const f = e.failedOverFrom
  if (f != null && (typeof f !== 'object' || !isText(f.holder, MAX_ID_LENGTH) || !isVersion(f.version))) {
    throw new MalformedFrameError(`name entry ${e.name}: failedOverFrom malformed`)
  }
  return {
    kind: 'distributed',
    name: base.name,
    type: e.type,
    args: e.args,
    placement: e.placement,
    roles: e.roles,
    quorum: e.quorum as QuorumRule,
    ...(c != null ? { checkpoint: { interval: c.interval, replicas: c.replicas } } : {}),
    ...(f != null ? { failedOverFrom: { holder: f.holder, version: { time: f.version.time, counter: f.version.counter, writer: f.version.writer } } } : {}),
    holder: base.holder,
    stopped: base.stopped,
    version: base.version,
    ...(base.taken != null ? { taken: base.taken } : {})
  }
}

function isVersion (value: unknown): value is NameVersion {
  const v = value as Partial<NameVersion> | null
  return typeof v === 'object' && v != null && isCount(v.time) && isCount(v.counter) && isText(v.writer, MAX_ID_LENGTH)
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
