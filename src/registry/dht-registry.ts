// The registry over kad-dht: writes go to the DHT and are gossiped to every cache, joining members are asked for their
// names; lookups read the cache, then the DHT.
import { TypedEventEmitter } from '@libp2p/interface'
import { protocolName } from '../node/protocols.ts'
import { AnnouncementFramer, registryTopic } from './announcement.ts'
import { DEFAULT_CACHE_TTL, DEFAULT_LOOKUP_TIMEOUT, DEFAULT_MAX_CACHE_ENTRIES, DEFAULT_NEGATIVE_CACHE_TTL, DEFAULT_REPUBLISH_INTERVAL, DEFAULT_STOP_TIMEOUT, DEFAULT_WRITE_TIMEOUT } from './defaults.ts'
import { registryNamespace } from './dht-record.ts'
import { DhtStore } from './dht-store.ts'
import { MissingRecordValidatorError, NameTakenError, RegistryNotStartedError } from './errors.ts'
import { NameCache } from './name-cache.ts'
import { NameSync } from './name-sync.ts'
import { checkName, checkRef, compareRecords, RecordCodec, sameRef } from './record.ts'
import { VersionClock } from './version-clock.ts'
import type { NameChangeReason, Registry, RegistryComponents, RegistryEvents, RegistryInit } from './index.ts'
import type { RegistryRecord } from './record.ts'
import type { ActorRef } from '../actors/ref.ts'
import type { Member } from '../membership/index.ts'
import type { Message } from '@libp2p/gossipsub'
import type { AbortOptions, Logger } from '@libp2p/interface'

export class DhtRegistry extends TypedEventEmitter<RegistryEvents> implements Registry {
  private readonly components: RegistryComponents
  private readonly log: Logger
  private readonly cluster: string
  private readonly topic: string
  private readonly stopTimeout: number
  private readonly cacheTtl: number
  private readonly negativeCacheTtl: number
  private readonly lookupTimeout: number
  private readonly republishInterval: number
  private readonly codec = new RecordCodec()
  private readonly framer = new AnnouncementFramer()
  private readonly clock: VersionClock
  private readonly cache: NameCache
  private readonly store: DhtStore
  private readonly sync: NameSync
  /** the records of names this node holds: the authority for them, whatever the DHT says */
  private readonly local = new Map<string, RegistryRecord>()
  /** register and unregister of one name run one after the other */
  private readonly writing = new Map<string, Promise<unknown>>()
  private invalidAnnouncements = 0
  private running = false
  private republishTimer?: ReturnType<typeof setInterval>

  constructor (components: RegistryComponents, init: RegistryInit) {
    super()
    this.components = components
    this.log = components.logger.forComponent('foundation:registry')
    this.cluster = init.cluster
    this.topic = registryTopic(init.cluster)
    this.lookupTimeout = init.lookupTimeout ?? DEFAULT_LOOKUP_TIMEOUT
    this.store = new DhtStore(components.host.services.dht, {
      cluster: init.cluster,
      lookupTimeout: this.lookupTimeout,
      writeTimeout: init.writeTimeout ?? DEFAULT_WRITE_TIMEOUT,
      log: this.log,
      peersExpected: () => this.components.host.status === 'started' &&
        this.components.membership.activeMembers().some(member => member.id !== this.self())
    })
    this.sync = new NameSync({ host: components.host, membership: components.membership, log: this.log }, {
      protocol: protocolName(init.cluster, 'registry-sync'),
      timeout: this.lookupTimeout,
      held: () => [...this.local.values()],
      accept: (from, records) => { this.acceptSync(from, records) }
    })
    this.stopTimeout = init.stopTimeout ?? DEFAULT_STOP_TIMEOUT
    this.cacheTtl = init.cacheTtl ?? DEFAULT_CACHE_TTL
    this.negativeCacheTtl = init.negativeCacheTtl ?? DEFAULT_NEGATIVE_CACHE_TTL
    this.republishInterval = init.republishInterval ?? DEFAULT_REPUBLISH_INTERVAL
    const now = init.now ?? Date.now
    this.clock = new VersionClock(now)
    this.cache = new NameCache({ maxEntries: init.maxCacheEntries ?? DEFAULT_MAX_CACHE_ENTRIES, now })
  }

  get invalidMessages (): number {
    return this.invalidAnnouncements + this.sync.invalidMessages + (this.components.host.services.registryRecords?.rejectedRecords ?? 0)
  }

  isStarted (): boolean {
    return this.running
  }

  async start (): Promise<void> {
    if (this.running) {
      return
    }

    const namespace = registryNamespace(this.cluster)
    if (this.components.host.services.dht.validators[namespace] == null) {
      throw new MissingRecordValidatorError(namespace)
    }

    await this.sync.start()
    this.store.start()
    const { pubsub } = this.components.host.services
    pubsub.addEventListener('message', this.onMessage)
    if (this.components.host.status === 'started') {
      pubsub.subscribe(this.topic)
    } else {
      // a node starts its parts before the host, so that handlers exist before any peer connects
      this.components.host.addEventListener('start', this.onHostStart, { once: true })
    }
    this.components.membership.addEventListener('member:join', this.onMemberJoin)
    this.components.membership.addEventListener('member:leave', this.onMemberLeave)
    this.republishTimer = setInterval(this.republish, this.republishInterval)
    this.republishTimer.unref?.()
    this.running = true
    // members that joined before this registry ran (a registry restarted on a running host)
    this.sync.pullNew()
    this.log('started for cluster %s', this.cluster)
  }

  async stop (): Promise<void> {
    if (!this.running) {
      return
    }

    // best effort: peers learn at once instead of when membership notices this node is gone
    const names = [...this.local.keys()]
    const signal = AbortSignal.timeout(this.stopTimeout)
    await Promise.allSettled(names.map(async name => this.unregister(name, { signal })))

    this.running = false
    clearInterval(this.republishTimer)
    this.store.stop()
    await this.sync.stop()
    const { pubsub } = this.components.host.services
    pubsub.removeEventListener('message', this.onMessage)
    this.components.host.removeEventListener('start', this.onHostStart)
    try {
      pubsub.unsubscribe(this.topic)
    } catch (err) {
      this.log.trace('could not unsubscribe from %s - %e', this.topic, err)
    }
    this.components.membership.removeEventListener('member:join', this.onMemberJoin)
    this.components.membership.removeEventListener('member:leave', this.onMemberLeave)
    this.local.clear()
    this.cache.clear()
    this.log('stopped, %d names unregistered', names.length)
  }

  localNames (): string[] {
    return [...this.local.keys()]
  }

  async register (name: string, ref: ActorRef, options: AbortOptions = {}): Promise<void> {
    this.assertRunning()
    checkName(name)
    checkRef(ref)

    await this.serialize(name, async () => {
      const held = this.local.get(name)
      if (held != null && sameRef(held.ref, ref)) {
        return
      }

      const current = held ?? await this.current(name, options)
      options.signal?.throwIfAborted()
      this.assertRunning()

      if (current != null && !current.tombstone && this.components.membership.isActive(current.ref.node)) {
        if (sameRef(current.ref, ref)) {
          // already so, whoever wrote it; rewriting would take the name from its owner
          return
        }

        throw new NameTakenError(name, current.ref)
      }

      const record: RegistryRecord = {
        name,
        ref,
        owner: this.self(),
        version: this.clock.next(newer(current, this.cache.newest(name))?.version),
        tombstone: false
      }

      this.local.set(name, record)
      this.cache.offer(record, this.cacheTtl)
      this.emitChange('name:registered', record, 'registered', true)
      await this.write(record, options)
    })
  }

  async unregister (name: string, options: AbortOptions = {}): Promise<void> {
    this.assertRunning()
    checkName(name)

    await this.serialize(name, async () => {
      const held = this.local.get(name)
      if (held == null) {
        this.log.trace('unregister of %s, which this node does not hold', name)
        return
      }

      await this.retire(held, 'unregistered', options)
    })
  }

  async lookup (name: string, options: AbortOptions = {}): Promise<ActorRef | undefined> {
    this.assertRunning()
    checkName(name)

    const held = this.local.get(name)
    if (held != null) {
      return this.visible(held)
    }

    let hit = this.cache.get(name)
    if (!(hit.found && this.visible(hit.record) != null) && await this.untilSynced(options)) {
      hit = this.cache.get(name)
    }

    if (hit.found) {
      return this.visible(hit.record)
    }

    return this.visible(await this.fetch(name, options))
  }

  /** The newest record for the name that the cache or the DHT knows, for a conflict check. */
  private async current (name: string, options: AbortOptions): Promise<RegistryRecord | undefined> {
    let hit = this.cache.get(name)
    if (!(hit.found && isLive(hit.record)) && await this.untilSynced(options)) {
      hit = this.cache.get(name)
    }

    // a live cached holder is kept correct by invalidation; absence is worth asking the DHT about
    if (hit.found && isLive(hit.record)) {
      return hit.record
    }

    return this.fetch(name, options)
  }

  /**
   * Waits, at most the lookup timeout, for the names of members that joined and have not answered yet:
   * until they do, the cache cannot say a name is missing. Returns whether there was anything to wait for.
   */
  private async untilSynced (options: AbortOptions): Promise<boolean> {
    this.sync.pullNew()
    if (!this.sync.pending) {
      return false
    }

    await this.sync.settled(this.lookupTimeout, options.signal)
    return true
  }

  /** Writes a tombstone for a name this node holds, and forgets it. */
  private async retire (held: RegistryRecord, reason: NameChangeReason, options: AbortOptions): Promise<void> {
    const tombstone: RegistryRecord = {
      ...held,
      owner: this.self(),
      version: this.clock.next(newer(held, this.cache.newest(held.name))?.version),
      tombstone: true
    }

    this.local.delete(held.name)
    this.cache.offer(tombstone, this.negativeCacheTtl)
    this.emitChange('name:unregistered', held, reason, true)
    await this.write(tombstone, options)
  }

  /** Announces a record to every cache, then stores it in the DHT; failures are logged, the next republish retries. */
  private async write (record: RegistryRecord, options: AbortOptions): Promise<void> {
    try {
      await this.components.host.services.pubsub.publish(this.topic, this.framer.frame(this.codec.encode(record)))
    } catch (err) {
      this.log.error('could not announce %s - %e', record.name, err)
    }

    try {
      await this.store.put(record, options.signal)
    } catch (err) {
      this.log('storing %s in the DHT did not finish - %e', record.name, err)
    }
  }

  /** Reads a name from the DHT and folds the answer into the cache; never takes longer than the lookup timeout. */
  private async fetch (name: string, options: AbortOptions): Promise<RegistryRecord | undefined> {
    const found = await this.store.get(name, options.signal)

    if (!this.running) {
      return found
    }

    if (found == null) {
      if (this.negativeCacheTtl > 0) {
        this.cache.offerAbsent(name, this.negativeCacheTtl)
      }

      return undefined
    }

    return this.cache.offer(found, this.ttlOf(found)).record
  }

  /** A record's ref if a lookup may return it: live, and on a node membership counts as part of the cluster. */
  private visible (record: RegistryRecord | undefined): ActorRef | undefined {
    if (record == null || record.tombstone || !this.components.membership.isActive(record.ref.node)) {
      return undefined
    }

    return record.ref
  }

  private ttlOf (record: RegistryRecord): number {
    return record.tombstone || !this.components.membership.isActive(record.ref.node) ? this.negativeCacheTtl : this.cacheTtl
  }

  private readonly onMessage = (evt: CustomEvent<Message>): void => {
    if (evt.detail.topic !== this.topic) {
      return
    }

    let record: RegistryRecord
    try {
      const bytes = this.framer.unframe(evt.detail.data)
      if (bytes == null) {
        throw new Error('announcement shorter than its header')
      }
      record = this.codec.decode(bytes)
    } catch (err) {
      this.invalidAnnouncements++
      this.log('rejected a malformed announcement - %e', err)
      return
    }

    this.apply(record)
  }

  /** Folds an announced write into the cache, and gives up a local name that a newer write took over. */
  private apply (record: RegistryRecord): void {
    if (record.owner === this.self()) {
      return
    }

    const held = this.local.get(record.name)
    if (held != null && compareRecords(record, held) > 0) {
      // two nodes registered the name concurrently, or one thought this node gone: the newest write wins everywhere
      this.local.delete(record.name)
      this.log('lost %s to a write by %s', record.name, record.owner)
      this.emitChange('name:unregistered', held, 'conflict', true)
    }

    const { changed } = this.cache.offer(record, this.ttlOf(record))
    if (changed) {
      if (record.tombstone) {
        this.emitChange('name:unregistered', record, 'unregistered', false)
      } else {
        this.emitChange('name:registered', record, 'registered', false)
      }
    }
  }

  /** Folds a member's answer to a pull into the cache, exactly as if each record had been announced. */
  private acceptSync (from: string, records: RegistryRecord[]): void {
    if (!this.running) {
      return
    }

    for (const record of records) {
      this.apply(record)
    }
    this.log.trace('%d names from %s folded into the cache', records.length, from)
  }

  private readonly onMemberJoin = (evt: CustomEvent<Member>): void => {
    const node = evt.detail.id
    if (node === this.self()) {
      return
    }

    // "found nowhere" was said without this member's names
    this.cache.dropAbsent()
    this.sync.pull(node)
  }

  private readonly onMemberLeave = (evt: CustomEvent<Member>): void => {
    const node = evt.detail.id
    if (node === this.self()) {
      return
    }

    this.sync.forget(node)

    for (const record of this.cache.dropNode(node)) {
      this.emitChange('name:unregistered', record, 'node-left', false)
    }

    // this node wrote these records, so it is the one to retire them
    for (const held of [...this.local.values()]) {
      if (held.ref.node === node) {
        this.serialize(held.name, async () => {
          if (this.local.get(held.name) === held) {
            await this.retire(held, 'node-left', {})
          }
        }).catch(err => {
          this.log.error('could not retire %s after %s left - %e', held.name, node, err)
        })
      }
    }
  }

  private readonly onHostStart = (): void => {
    if (!this.running) {
      return
    }

    this.components.host.services.pubsub.subscribe(this.topic)
    // names registered before the host ran were kept only here
    this.republish()
  }

  private readonly republish = (): void => {
    for (const record of this.local.values()) {
      this.store.put(record).catch(err => {
        this.log('republish of %s did not finish - %e', record.name, err)
      })
    }
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

  private emitChange (type: keyof RegistryEvents, record: RegistryRecord, reason: NameChangeReason, local: boolean): void {
    this.safeDispatchEvent(type, { detail: { name: record.name, ref: record.ref, local, reason } })
  }

  private self (): string {
    return this.components.host.peerId.toString()
  }

  private assertRunning (): void {
    if (!this.running) {
      throw new RegistryNotStartedError()
    }
  }
}

function isLive (record: RegistryRecord | undefined): record is RegistryRecord {
  return record != null && !record.tombstone
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
