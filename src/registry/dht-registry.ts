// The registry over kad-dht: wires the write path, the read path, gossip, join sync and membership into the Registry API.
import { TypedEventEmitter } from '@libp2p/interface'
import { protocolName } from '../node/protocols.ts'
import { Announcer } from './announcer.ts'
import { DEFAULT_CACHE_TTL, DEFAULT_LOOKUP_TIMEOUT, DEFAULT_MAX_CACHE_ENTRIES, DEFAULT_NEGATIVE_CACHE_TTL, DEFAULT_REPUBLISH_INTERVAL, DEFAULT_STOP_TIMEOUT, DEFAULT_VISIBILITY_TIMEOUT, DEFAULT_WRITE_TIMEOUT } from './defaults.ts'
import { registryNamespace } from './dht-record.ts'
import { DhtStore } from './dht-store.ts'
import { MissingRecordValidatorError, NameNotVisibleError, RegistryNotStartedError, RegistryRpcMissingError } from './errors.ts'
import { MemberWatch } from './member-watch.ts'
import { NameCache } from './name-cache.ts'
import { NameReader } from './name-reader.ts'
import { NameSync } from './name-sync.ts'
import { NameWriter } from './name-writer.ts'
import { checkName, checkRef, sameRef } from './record.ts'
import { VisibilityEndpoint } from './visibility-endpoint.ts'
import { VisibilityWait } from './visibility.ts'
import type { NameChangeReason, NameConflictDetail, RegisterOptions, Registry, RegistryComponents, RegistryEvents, RegistryInit } from './index.ts'
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
  private readonly endpoint: VisibilityEndpoint
  private readonly visibility: VisibilityWait
  private readonly writeTimeout: number
  private running = false

  constructor (components: RegistryComponents, init: RegistryInit) {
    super()
    this.components = components
    this.log = components.logger.forComponent('foundation:registry')
    this.cluster = init.cluster
    this.stopTimeout = init.stopTimeout ?? DEFAULT_STOP_TIMEOUT
    const lookupTimeout = init.lookupTimeout ?? DEFAULT_LOOKUP_TIMEOUT
    this.writeTimeout = init.writeTimeout ?? DEFAULT_WRITE_TIMEOUT
    const cacheTtl = init.cacheTtl ?? DEFAULT_CACHE_TTL
    const negativeCacheTtl = init.negativeCacheTtl ?? DEFAULT_NEGATIVE_CACHE_TTL
    const now = init.now ?? Date.now
    const { host, membership } = components
    const log = this.log
    const self = (): string => this.self()
    const running = (): boolean => this.running
    const changed = this.emitChange
    const conflicted = this.emitConflict

    this.cache = new NameCache({ maxEntries: init.maxCacheEntries ?? DEFAULT_MAX_CACHE_ENTRIES, now })
    this.store = new DhtStore(host.services.dht, {
      cluster: init.cluster,
      lookupTimeout,
      writeTimeout: this.writeTimeout,
      log,
      peersExpected: () => host.status === 'started' && membership.activeMembers().some(member => member.id !== self())
    })
    this.sync = new NameSync({ host, membership, log, nameCounts: components.nameCounts }, {
      protocol: protocolName(init.cluster, 'registry-sync'),
      timeout: lookupTimeout,
      held: () => this.writer.records(),
      accept: (from, records) => { this.acceptSync(from, records) }
    })
    this.announcer = new Announcer({ host, log }, { cluster: init.cluster, received: this.apply })
    const { cache, store, sync } = this
    const held = (name: string): RegistryRecord | undefined => this.writer.held(name)
    this.reader = new NameReader({ membership, cache, store, sync, held, changed, conflicted, running }, { lookupTimeout, cacheTtl, negativeCacheTtl })
    this.writer = new NameWriter({
      cache,
      store,
      reader: this.reader,
      announcer: this.announcer,
      changed,
      conflicted,
      log,
      self,
      running
    }, { cacheTtl, negativeCacheTtl, republishInterval: init.republishInterval ?? DEFAULT_REPUBLISH_INTERVAL, now })
    this.members = new MemberWatch({ membership, cache, sync, writer: this.writer, changed, self })
    const current = (name: string): RegistryRecord | undefined => this.writer.held(name) ?? cache.newest(name)
    const visible = (record: RegistryRecord | undefined): ActorRef | undefined => this.reader.visible(record)
    this.endpoint = new VisibilityEndpoint({ rpc: components.rpc, log, apply: this.apply, current, visible, running }, { timeout: lookupTimeout })
    this.visibility = new VisibilityWait({ membership, self, log, ask: this.endpoint.ask, current, learn: this.apply }, {
      timeout: init.visibilityTimeout ?? DEFAULT_VISIBILITY_TIMEOUT
    })
  }

  get invalidMessages (): number {
    return this.announcer.invalidMessages + this.sync.invalidMessages + this.endpoint.invalidMessages + (this.components.host.services.registryRecords?.rejectedRecords ?? 0)
  }

  /** attempts to pull members' names, each on a registry-sync stream of its own (some fail to open one) */
  get pullsStarted (): number {
    return this.sync.pullsStarted
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
    this.endpoint.start()
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
    this.endpoint.stop()
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

  knownNames (): number {
    const names = new Set(this.writer.names())
    for (const name of this.cache.liveNames()) { names.add(name) }
    return names.size
  }

  synced (): boolean {
    if (!this.running) {
      return false
    }

    const members = this.components.membership.activeMembers().map(member => member.id)
    if (this.sync.syncedWith(members)) {
      return true
    }

    this.sync.pullNew()
    return false
  }

  async register (name: string, ref: ActorRef, options: RegisterOptions = {}): Promise<void> {
    this.assertRunning()
    checkName(name)
    checkRef(ref)
    if (options.visible === true && !this.endpoint.available) {
      throw new RegistryRpcMissingError()
    }
    await this.writer.register(name, ref, options)
    if (options.visible === true) {
      await this.untilVisible(name, ref, options.signal)
    }
  }

  /** Waits until every active member resolves the name to the ref; undoes the registration if that fails. */
  private async untilVisible (name: string, ref: ActorRef, signal?: AbortSignal): Promise<void> {
    // this node's write, or (when the name already pointed at the ref) whoever's write it was
    const record = this.writer.held(name) ?? this.cache.newest(name)
    if (record == null || record.tombstone || !sameRef(record.ref, ref)) {
      throw new NameNotVisibleError(name, [], 'it no longer points at the ref')
    }

    try {
      await this.visibility.until(record, signal)
    } catch (err) {
      const held = this.writer.held(name)
      if (held != null && sameRef(held.ref, ref)) {
        await this.writer.unregister(name, { signal: AbortSignal.timeout(this.writeTimeout) }).catch((cause: Error) => {
          this.log('could not undo the registration of %s - %e', name, cause)
        })
      }
      throw err
    }
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

  /**
   * Folds another node's write, announced, pulled or handed over directly, into the cache; gives up a local name it
   * took over, and announces again a local name it tried to take without knowing.
   */
  private readonly apply = (record: RegistryRecord): void => {
    if (record.owner === this.self()) {
      return
    }

    const yielded = this.writer.yieldTo(record)
    if (!yielded) {
      this.writer.defend(record)
    }
    this.reader.learn(record, !yielded)
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

  private readonly emitChange = (type: 'name:registered' | 'name:unregistered', record: RegistryRecord, reason: NameChangeReason, local: boolean, winner?: ActorRef): void => {
    this.safeDispatchEvent(type, { detail: { name: record.name, ref: record.ref, local, reason, ...(winner != null ? { winner } : {}) } })
  }

  private readonly emitConflict = (conflict: NameConflictDetail): void => {
    this.log('conflict on %s: %s/%s won over %s/%s', conflict.name, conflict.winner.node, conflict.winner.id, conflict.loser.node, conflict.loser.id)
    this.safeDispatchEvent('name:conflict', { detail: conflict })
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
