// The registry over kad-dht: wires the write path, the read path, gossip, join sync and membership into the Registry API.
import { TypedEventEmitter } from '@libp2p/interface'
import { protocolName } from '../node/protocols.ts'
import { Announcer } from './announcer.ts'
import { DEFAULT_CACHE_TTL, DEFAULT_LOOKUP_TIMEOUT, DEFAULT_MAX_CACHE_ENTRIES, DEFAULT_NEGATIVE_CACHE_TTL, DEFAULT_REPUBLISH_INTERVAL, DEFAULT_STOP_TIMEOUT, DEFAULT_WRITE_TIMEOUT } from './defaults.ts'
import { registryNamespace } from './dht-record.ts'
import { DhtStore } from './dht-store.ts'
import { MissingRecordValidatorError, RegistryNotStartedError } from './errors.ts'
import { MemberWatch } from './member-watch.ts'
import { NameCache } from './name-cache.ts'
import { NameReader } from './name-reader.ts'
import { NameSync } from './name-sync.ts'
import { NameWriter } from './name-writer.ts'
import { checkName, checkRef } from './record.ts'
import type { NameChangeReason, Registry, RegistryComponents, RegistryEvents, RegistryInit } from './index.ts'
import type { RegistryRecord } from './record.ts'
import type { ActorRef } from '../actors/ref.ts'
import type { AbortOptions, Logger } from '@libp2p/interface'

export class DhtRegistry extends TypedEventEmitter<RegistryEvents> implements Registry {
  private readonly components: RegistryComponents
  private readonly log: Logger
  private readonly cluster: string
  private readonly stopTimeout: number
  private readonly cache: NameCache
  private readonly store: DhtStore
  private readonly sync: NameSync
  private readonly announcer: Announcer
  private readonly reader: NameReader
  private readonly writer: NameWriter
  private readonly members: MemberWatch
  private running = false

  constructor (components: RegistryComponents, init: RegistryInit) {
    super()
    this.components = components
    this.log = components.logger.forComponent('foundation:registry')
    this.cluster = init.cluster
    this.stopTimeout = init.stopTimeout ?? DEFAULT_STOP_TIMEOUT
    const lookupTimeout = init.lookupTimeout ?? DEFAULT_LOOKUP_TIMEOUT
    const cacheTtl = init.cacheTtl ?? DEFAULT_CACHE_TTL
    const negativeCacheTtl = init.negativeCacheTtl ?? DEFAULT_NEGATIVE_CACHE_TTL
    const now = init.now ?? Date.now
    const { host, membership } = components
    const log = this.log
    const self = (): string => this.self()
    const running = (): boolean => this.running
    const changed = this.emitChange

    this.cache = new NameCache({ maxEntries: init.maxCacheEntries ?? DEFAULT_MAX_CACHE_ENTRIES, now })
    this.store = new DhtStore(host.services.dht, {
      cluster: init.cluster,
      lookupTimeout,
      writeTimeout: init.writeTimeout ?? DEFAULT_WRITE_TIMEOUT,
      log,
      peersExpected: () => host.status === 'started' && membership.activeMembers().some(member => member.id !== self())
    })
    this.sync = new NameSync({ host, membership, log }, {
      protocol: protocolName(init.cluster, 'registry-sync'),
      timeout: lookupTimeout,
      held: () => this.writer.records(),
      accept: (from, records) => { this.acceptSync(from, records) }
    })
    this.announcer = new Announcer({ host, log }, { cluster: init.cluster, received: this.apply })
    const { cache, store, sync } = this
    const held = (name: string): RegistryRecord | undefined => this.writer.held(name)
    this.reader = new NameReader({ membership, cache, store, sync, held, changed, running }, { lookupTimeout, cacheTtl, negativeCacheTtl })
    this.writer = new NameWriter({
      cache,
      store,
      reader: this.reader,
      announcer: this.announcer,
      changed,
      log,
      self,
      running
    }, { cacheTtl, negativeCacheTtl, republishInterval: init.republishInterval ?? DEFAULT_REPUBLISH_INTERVAL, now })
    this.members = new MemberWatch({ membership, cache, sync, writer: this.writer, changed, self })
  }

  get invalidMessages (): number {
    return this.announcer.invalidMessages + this.sync.invalidMessages + (this.components.host.services.registryRecords?.rejectedRecords ?? 0)
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
    this.announcer.start()
    if (this.components.host.status === 'started') {
      this.announcer.subscribe()
    } else {
      // a node starts its parts before the host, so that handlers exist before any peer connects
      this.components.host.addEventListener('start', this.onHostStart, { once: true })
    }
    this.members.start()
    this.writer.start()
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
    const unregistered = await this.writer.unregisterAll({ signal: AbortSignal.timeout(this.stopTimeout) })

    this.running = false
    this.writer.stop()
    this.store.stop()
    await this.sync.stop()
    this.announcer.stop()
    this.components.host.removeEventListener('start', this.onHostStart)
    this.members.stop()
    this.cache.clear()
    this.log('stopped, %d names unregistered', unregistered)
  }

  localNames (): string[] {
    return this.writer.names()
  }

  async register (name: string, ref: ActorRef, options: AbortOptions = {}): Promise<void> {
    this.assertRunning()
    checkName(name)
    checkRef(ref)
    await this.writer.register(name, ref, options)
  }

  async unregister (name: string, options: AbortOptions = {}): Promise<void> {
    this.assertRunning()
    checkName(name)
    await this.writer.unregister(name, options)
  }

  async lookup (name: string, options: AbortOptions = {}): Promise<ActorRef | undefined> {
    this.assertRunning()
    checkName(name)
    return this.reader.lookup(name, options)
  }

  /** Folds another node's write, announced or pulled, into the cache, and gives up a local name it took over. */
  private readonly apply = (record: RegistryRecord): void => {
    if (record.owner === this.self()) {
      return
    }

    this.writer.yieldTo(record)
    this.reader.learn(record)
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

  private readonly onHostStart = (): void => {
    if (!this.running) {
      return
    }

    this.announcer.subscribe()
    // names registered before the host ran were kept only here
    this.writer.republish()
  }

  private readonly emitChange = (type: keyof RegistryEvents, record: RegistryRecord, reason: NameChangeReason, local: boolean): void => {
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
