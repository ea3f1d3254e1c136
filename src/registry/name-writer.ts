// The write path: the names this node holds, each register and unregister of one name in turn, and their republishing.
import { conflictOf } from './conflict.ts'
import { NameTakenError, RegistryNotStartedError } from './errors.ts'
import { compareRecords, sameRef } from './record.ts'
import { VersionClock } from './version-clock.ts'
import type { Announcer } from './announcer.ts'
import type { DhtStore } from './dht-store.ts'
import type { NameChangeReason } from './index.ts'
import type { NameCache } from './name-cache.ts'
import type { NameChanged, NameConflicted } from './name-events.ts'
import type { NameReader } from './name-reader.ts'
import type { RecordVersion, RegistryRecord } from './record.ts'
import type { ActorRef } from '../actors/ref.ts'
import type { AbortOptions, Logger } from '@libp2p/interface'

export interface NameWriterComponents {
  cache: NameCache
  store: Pick<DhtStore, 'put'>
  reader: Pick<NameReader, 'current' | 'visible'>
  announcer: Pick<Announcer, 'announce'>
  changed: NameChanged
  conflicted: NameConflicted
  log: Logger
  /** this node's peer id: the owner of every record it writes */
  self(): string
  running(): boolean
}

export interface NameWriterInit {
  cacheTtl: number
  negativeCacheTtl: number
  republishInterval: number
  /** wall clock in ms, for record versions */
  now(): number
}

export class NameWriter {
  private readonly components: NameWriterComponents
  private readonly cacheTtl: number
  private readonly negativeCacheTtl: number
  private readonly republishInterval: number
  private readonly clock: VersionClock
  /** the records of names this node holds: the authority for them, whatever the DHT says */
  private readonly local = new Map<string, RegistryRecord>()
  /** register and unregister of one name run one after the other */
  private readonly writing = new Map<string, Promise<unknown>>()
  private republishTimer?: ReturnType<typeof setInterval>

  constructor (components: NameWriterComponents, init: NameWriterInit) {
    this.components = components
    this.cacheTtl = init.cacheTtl
    this.negativeCacheTtl = init.negativeCacheTtl
    this.republishInterval = init.republishInterval
    this.clock = new VersionClock(init.now)
  }

  start (): void {
    this.republishTimer = setInterval(this.republish, this.republishInterval)
    this.republishTimer.unref?.()
  }

  stop (): void {
    clearInterval(this.republishTimer)
    this.local.clear()
  }

  /** The record of a name this node holds. */
  held (name: string): RegistryRecord | undefined {
    return this.local.get(name)
  }

  names (): string[] {
    return [...this.local.keys()]
  }

  records (): RegistryRecord[] {
    return [...this.local.values()]
  }

  async register (name: string, ref: ActorRef, options: AbortOptions): Promise<void> {
    await this.serialize(name, async () => {
      const held = this.local.get(name)
      if (held != null && sameRef(held.ref, ref)) {
        return
      }

      const current = held ?? await this.components.reader.current(name, options)
      options.signal?.throwIfAborted()
      // the registry may have stopped while the DHT was read: a write now would outlive it
      if (!this.components.running()) {
        throw new RegistryNotStartedError()
      }

      const holder = this.components.reader.visible(current)
      if (holder != null) {
        if (sameRef(holder, ref)) {
          // already so, whoever wrote it; rewriting would take the name from its owner
          return
        }

        throw new NameTakenError(name, holder)
      }

      const record: RegistryRecord = {
        name,
        ref,
        owner: this.components.self(),
        version: this.versionAfter(name, current),
        tombstone: false
      }

      this.local.set(name, record)
      this.components.cache.offer(record, this.cacheTtl)
      this.components.changed('name:registered', record, 'registered', true)
      await this.write(record, options)
    })
  }

  async unregister (name: string, options: AbortOptions): Promise<void> {
    await this.serialize(name, async () => {
      const held = this.local.get(name)
      if (held == null) {
        this.components.log.trace('unregister of %s, which this node does not hold', name)
        return
      }

      await this.retire(held, 'unregistered', options)
    })
  }

  /** Unregisters every name this node holds; returns how many it tried. */
  async unregisterAll (options: AbortOptions): Promise<number> {
    const names = this.names()
    await Promise.allSettled(names.map(async name => this.unregister(name, options)))
    return names.length
  }

  /** Retires the names this node holds for actors on a node that left: this node wrote them, so it is the one to. */
  retireNode (node: string): void {
    for (const held of this.records()) {
      if (held.ref.node === node) {
        this.serialize(held.name, async () => {
          if (this.local.get(held.name) === held) {
            await this.retire(held, 'node-left', {})
          }
        }).catch(err => {
          this.components.log.error('could not retire %s after %s left - %e', held.name, node, err)
        })
      }
    }
  }

  /**
   * Gives up a name this node holds when another node's newer write took it; returns whether it did. The loser is
   * told with the winner, so that its actor can be ended: one instance per name.
   */
  yieldTo (record: RegistryRecord): boolean {
    const held = this.local.get(record.name)
    if (held == null || compareRecords(record, held) <= 0) {
      return false
    }

    // two nodes registered the name concurrently, or one thought this node gone: the newest write wins everywhere
    this.local.delete(record.name)
    this.components.log('lost %s to a write by %s', record.name, record.owner)
    const winner = record.tombstone ? undefined : record.ref
    this.components.changed('name:unregistered', held, 'conflict', true, winner)
    const conflict = conflictOf(record, held)
    if (conflict != null) {
      this.components.conflicted({ name: record.name, winner: conflict.winner.ref, loser: conflict.loser.ref, local: true })
    }
    return true
  }

  /**
   * Another node's older write of a name this node holds reached here: caches that still hold it (the other side
   * of a healed partition) would keep answering the loser, so this node's write is announced and stored again.
   */
  defend (record: RegistryRecord): void {
    const held = this.local.get(record.name)
    if (held == null || conflictOf(record, held)?.winner !== held) {
      return
    }

    this.serialize(held.name, async () => {
      if (this.local.get(held.name) === held) {
        this.components.log('%s by %s lost to this node\'s write, announcing it again', record.name, record.owner)
        await this.write(held, {})
      }
    }).catch(err => {
      this.components.log('could not announce %s again - %e', held.name, err)
    })
  }

  /** Stores every name this node holds in the DHT again, before peers drop them as too old. */
  readonly republish = (): void => {
    for (const record of this.local.values()) {
      this.components.store.put(record).catch(err => {
        this.components.log('republish of %s did not finish - %e', record.name, err)
      })
    }
  }

  /** Writes a tombstone for a name this node holds, and forgets it. */
  private async retire (held: RegistryRecord, reason: NameChangeReason, options: AbortOptions): Promise<void> {
    const tombstone: RegistryRecord = {
      ...held,
      owner: this.components.self(),
      version: this.versionAfter(held.name, held),
      tombstone: true
    }

    this.local.delete(held.name)
    this.components.cache.offer(tombstone, this.negativeCacheTtl)
    this.components.changed('name:unregistered', held, reason, true)
    await this.write(tombstone, options)
  }

  /** Announces a record to every cache, then stores it in the DHT; a store that fails is retried by the next republish. */
  private async write (record: RegistryRecord, options: AbortOptions): Promise<void> {
    await this.components.announcer.announce(record)

    try {
      await this.components.store.put(record, options.signal)
    } catch (err) {
      this.components.log('storing %s in the DHT did not finish - %e', record.name, err)
    }
  }

  /** A version that wins over `seen` and over every write of the name this node has cached, whoever's clock runs ahead. */
  private versionAfter (name: string, seen: RegistryRecord | undefined): RecordVersion {
    return this.clock.next(newer(seen, this.components.cache.newest(name))?.version)
  }

  private async serialize<T> (name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.writing.get(name) ?? Promise.resolve()
    const next = previous.catch(() => {}).then(fn)
    const tail = next.catch(() => {})
    this.writing.set(name, tail)

    try {
      return await next
    } finally {
      if (this.writing.get(name) === tail) {
        this.writing.delete(name)
      }
    }
  }
}

function newer (a: RegistryRecord | undefined, b: RegistryRecord | undefined): RegistryRecord | undefined {
  if (a == null) {
    return b
  }

  if (b == null) {
    return a
  }

  return compareRecords(a, b) >= 0 ? a : b
}
