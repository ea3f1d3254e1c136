// Where each name lives once the cluster is too large for every node to hold every name: a one-hop DHT over the
// member list. A consistent-hash ring of the active members gives each name a few homes; the holder writes its names
// to them, lookups ask them, and a node that read a name keeps it a while as a cache the homes keep current. Sans-IO:
// the name service does the sending.
import { isBrowser } from '../membership/reserved-roles.ts'
import { HashRing } from '../placement/hash-ring.ts'
import type { NamePlacement } from './index.ts'
import type { Member } from '../membership/index.ts'
import type { Topology } from '../overlay/topology-policy.ts'

/** copies of each name: one home can crash, and one more can leave, before a name held elsewhere is lost */
export const DEFAULT_HOMES = 3
/**
 * points per member on the ring: a ring is rebuilt at every membership change, and at 200 members 16 points each
 * build in about a millisecond while still spreading the names within about a quarter of an even share
 */
const RING_VNODES = 16
/** a reader is kept current this long after its read; the cache entry it holds expires at the same age */
export const DEFAULT_CACHE_TTL = 30_000
/** readers remembered per name: a name read by more is kept current in the first ones, the others rely on expiry */
const MAX_READERS = 256
/** how long after a ring change lookups ask the previous homes too: the handover of their names takes a moment */
const HANDOVER_GRACE = 5_000

/** Where names live in a shape: on every node in a full mesh, where every member is a connection away; else with homes. */
export function placementIn (shape: Topology): NamePlacement {
  return shape === 'full-mesh' ? 'everywhere' : 'homes'
}

/** The members names may live with: the active ones others can dial, never a browser tab. */
export function homeCandidates (members: readonly Member[]): string[] {
  return members.filter(member => !isBrowser(member)).map(member => member.id)
}

export interface NameHomesInit {
  self: string
  /** copies of each name (default 3) */
  copies?: number
  /** ms a read name stays cached, and its reader kept current (default 30 s) */
  cacheTtl?: number
  now(): number
}

export class NameHomes {
  readonly copies: number
  readonly cacheTtl: number
  private readonly self: string
  private readonly now: () => number
  private members: readonly string[] = []
  private ring: HashRing | undefined
  private previous: HashRing | undefined
  private changedAt = -Infinity
  /** nodes that read each name from this home, and when: a change of the name is pushed to them */
  private readonly readers = new Map<string, Map<string, number>>()
  /** names this node read from their homes, and when: the cache entries */
  private readonly fetched = new Map<string, number>()

  constructor (init: NameHomesInit) {
    this.self = init.self
    this.copies = init.copies ?? DEFAULT_HOMES
    this.cacheTtl = init.cacheTtl ?? DEFAULT_CACHE_TTL
    this.now = init.now
  }

  /** The active members changed: names move to their new homes. Returns the ring before, to find what moved. */
  setMembers (members: readonly string[]): HashRing {
    const before = this.currentRing()
    this.members = members
    this.previous = before
    this.ring = undefined
    this.changedAt = this.now()
    return before
  }

  /** The members a name lives with, this node among them perhaps. */
  homesOf (name: string, ring: HashRing = this.currentRing()): string[] {
    return ring.successors(name, this.copies)
  }

  isHome (name: string, ring: HashRing = this.currentRing()): boolean {
    return this.homesOf(name, ring).includes(this.self)
  }

  /** The homes to ask for a name: right after a change also those it had before, which may still hold it alone. */
  lookupTargets (name: string): string[] {
    const homes = this.homesOf(name)
    if (this.previous != null && this.now() - this.changedAt < HANDOVER_GRACE) {
      for (const home of this.homesOf(name, this.previous)) {
        if (!homes.includes(home)) { homes.push(home) }
      }
    }
    return homes.filter(home => home !== this.self)
  }

  /** A node read a name from this home: it is told of the name's next change while its copy lasts. */
  addReader (name: string, reader: string): void {
    let readers = this.readers.get(name)
    if (readers == null) { this.readers.set(name, readers = new Map()) }
    if (readers.size < MAX_READERS || readers.has(reader)) { readers.set(reader, this.now()) }
  }

  /** The nodes that still cache a name this home just saw change. */
  readersOf (name: string): string[] {
    const readers = this.readers.get(name)
    if (readers == null) { return [] }
    const since = this.now() - this.cacheTtl
    const current: string[] = []
    for (const [reader, at] of readers) {
      if (at >= since) { current.push(reader) } else { readers.delete(reader) }
    }
    if (readers.size === 0) { this.readers.delete(name) }
    return current
  }

  /** This node read a name from its homes: the copy is a cache entry from now. */
  fetchedNow (name: string): void {
    this.fetched.set(name, this.now())
  }

  /** True while a name read from its homes is fresh enough to answer from. */
  isCached (name: string): boolean {
    const at = this.fetched.get(name)
    return at != null && at >= this.now() - this.cacheTtl
  }

  /** Forgets readers and cached reads past their age. */
  prune (): void {
    const since = this.now() - this.cacheTtl
    for (const [name, at] of this.fetched) {
      if (at < since) { this.fetched.delete(name) }
    }
    for (const name of [...this.readers.keys()]) { this.readersOf(name) }
  }

  /** A name this node keeps only as a stale cache, which it can drop. */
  isStaleCopy (name: string): boolean {
    return !this.isHome(name) && !this.isCached(name)
  }

  /** A member left: it reads nothing any more. */
  forgetReader (member: string): void {
    for (const [name, readers] of this.readers) {
      readers.delete(member)
      if (readers.size === 0) { this.readers.delete(name) }
    }
  }

  private currentRing (): HashRing {
    this.ring ??= new HashRing(this.members, RING_VNODES)
    return this.ring
  }
}
