// A node's caches: the handles it opened and the distributed caches it keeps entries of, opened here or first heard
// of from another member. It answers the '$cache' endpoint, follows the members, and hands its partitions off before
// the node leaves.
import { isBrowser } from '../membership/reserved-roles.ts'
import { sleep, systemClock } from '../time/clock.ts'
import { resolveCacheOptions } from './cache-options.ts'
import { CacheEngine } from './distributed/cache-engine.ts'
import { CACHE_ENDPOINT, Holding, describeSpec, sameSpec, validateCacheMessage } from './distributed/cache-wire.ts'
import { DistributedCache } from './distributed/distributed-cache.ts'
import { OpRouter } from './distributed/op-router.ts'
import { partitionOf } from './distributed/partition-ranks.ts'
import { CacheOptionError } from './errors.ts'
import { LocalCache } from './local-cache.ts'
import type { CacheLimits, ResolvedCacheOptions } from './cache-options.ts'
import type { CacheMessage, CacheSpec } from './distributed/cache-wire.ts'
import type { CacheNodeLink } from './distributed/engine-context.ts'
import type { PartitionView } from './distributed/partition-state.ts'
import type { Cache, CacheOptions, CacheStats } from './index.ts'
import type { SystemEndpoints } from '../cluster/system-endpoints.ts'
import type { Member, Membership } from '../membership/index.ts'
import type { PlacementCandidate } from '../placement/index.ts'
import type { Clock } from '../time/clock.ts'
import type { Logger } from '@libp2p/interface'

/** how often a leaving node looks whether its partitions are handed off */
const DRAIN_POLL = 50
/** a cache first heard of from another member keeps at most this many entries here until opened */
const PASSIVE_MAX_ENTRIES = 100_000

export interface CacheServiceComponents {
  self: string
  membership: Pick<Membership, 'activeMembers' | 'isActive' | 'addEventListener' | 'removeEventListener'>
  messaging: {
    send(node: string, target: string, body: unknown): void
    call(node: string, target: string, body: unknown, options: { timeout: number }): Promise<unknown>
  }
  endpoints: Pick<SystemEndpoints, 'register' | 'unregister'>
  /** the node has read the membership, so a partition nobody answers for may be started anew */
  settled(): boolean
  log: Logger
  clock?: Clock
}

interface Opened {
  cache: Cache<any>
  options: ResolvedCacheOptions
}

export class CacheService {
  private readonly components: CacheServiceComponents
  private readonly limits: CacheLimits
  private readonly link: CacheNodeLink
  private readonly engines = new Map<string, CacheEngine>()
  private readonly opened = new Map<string, Opened>()
  /** other members that said they are leaving: they keep no new partitions */
  private readonly leaving = new Set<string>()
  private selfLeaving = false
  private running = false
  private readonly onMembers = (evt: CustomEvent<Member>): void => {
    if (evt.type !== 'member:suspect') { this.leaving.delete(evt.detail.id) }
    for (const engine of this.engines.values()) { engine.schedule() }
  }

  constructor (components: CacheServiceComponents, limits: CacheLimits) {
    this.components = components
    this.limits = limits
    const { self, membership, messaging } = components
    this.link = {
      self,
      clock: components.clock ?? systemClock(),
      log: components.log,
      send: (peer, message) => { messaging.send(peer, CACHE_ENDPOINT, message) },
      call: async (peer, message, timeout) => messaging.call(peer, CACHE_ENDPOINT, message, { timeout }),
      isActive: (peer) => membership.isActive(peer),
      candidates: (roles) => this.candidates(roles),
      peers: () => membership.activeMembers().filter(member => member.id !== self && !isBrowser(member)).map(member => member.id),
      settled: () => components.settled()
    }
  }

  start (): void {
    if (this.running) { return }
    this.running = true
    this.components.endpoints.register(CACHE_ENDPOINT, {
      send: (_target, body, from) => {
        this.receive(body, from).catch(err => { this.components.log('dropped a cache message from %s - %e', from, err) })
        return true
      },
      call: async (_target, body, from) => this.receive(body, from)
    })
    for (const type of ['member:join', 'member:leave', 'member:alive', 'member:suspect'] as const) {
      this.components.membership.addEventListener(type, this.onMembers)
    }
  }

  stop (): void {
    if (!this.running) { return }
    this.running = false
    this.components.endpoints.unregister(CACHE_ENDPOINT)
    for (const type of ['member:join', 'member:leave', 'member:alive', 'member:suspect'] as const) {
      this.components.membership.removeEventListener(type, this.onMembers)
    }
    for (const engine of this.engines.values()) { engine.close() }
    this.engines.clear()
  }

  /**
   * The cache of this name; the same handle again when asked with no options or the same ones, a CacheOptionError
   * for others.
   */
  open<V>(name: string, options?: CacheOptions): Cache<V> {
    const known = this.opened.get(name)
    if (known != null && options === undefined) { return known.cache }
    const resolved = resolveCacheOptions(name, options ?? {}, this.limits)
    if (known != null) {
      const differs = Object.keys(resolved).find(key => JSON.stringify((resolved as any)[key]) !== JSON.stringify((known.options as any)[key]))
      if (differs != null) { throw new CacheOptionError(name, differs, 'differs from the options this node opened the cache with') }
      return known.cache
    }
    let cache: Cache<V>
    if (resolved.mode === 'local') {
      cache = new LocalCache<V>(name, resolved, this.link.clock)
    } else {
      const spec: CacheSpec = [resolved.mode, resolved.mode === 'replicated' ? -1 : resolved.replicas, [...resolved.roles].sort()]
      const engine = this.engineFor(name, spec, resolved)
      cache = new DistributedCache<V>(engine, new OpRouter(engine, this.link, resolved.roles), resolved)
    }
    this.opened.set(name, { cache, options: resolved })
    return cache
  }

  /** Each cache's counters on this node, for metrics: those it opened, and those it keeps entries of unopened. */
  stats (): Array<{ name: string, stats: CacheStats }> {
    const opened = [...this.opened].map(([name, { cache }]) => ({ name, stats: cache.stats() }))
    const kept = [...this.engines].filter(([name]) => !this.opened.has(name)).map(([name, engine]) => ({ name, stats: engine.stats() }))
    return [...opened, ...kept]
  }

  /** Whether this node keeps a live copy of the key, and how: for tests and debugging. */
  copyOf (name: string, key: string): 'owner' | 'backup' | undefined {
    const engine = this.engines.get(name)
    if (engine?.store.read(key) == null) { return undefined }
    return engine.holding(partitionOf(key)) === Holding.Acting ? 'owner' : 'backup'
  }

  /** How this node holds each partition of a cache it keeps: for tests and debugging. */
  partitions (name: string): PartitionView[] {
    return this.engines.get(name)?.partitions() ?? []
  }

  /** Partitions this node should keep and is still receiving: readiness waits for 0. */
  unsynced (): number {
    let count = 0
    for (const engine of this.engines.values()) { count += engine.unsynced() }
    return count
  }

  get isLeaving (): boolean {
    return this.selfLeaving
  }

  /** Hands every partition this node keeps to the members that keep them next, before a graceful stop. */
  async drain (deadline: number): Promise<void> {
    if (!this.running || this.selfLeaving) { return }
    this.selfLeaving = true
    if (this.engines.size === 0) { return }
    for (const peer of this.link.peers()) { this.link.send(peer, ['leaving']) }
    for (const engine of this.engines.values()) { engine.schedule() }
    const { clock } = this.link
    // until every partition is handed off, or no member is left to take one (the whole cluster stopping)
    while (clock.now() < deadline && this.held() > 0 && this.anyoneToTake()) { await sleep(clock, DRAIN_POLL) }
    if (this.held() > 0) { this.components.log('%d cache partitions were not handed off before leaving', this.held()) }
  }

  private anyoneToTake (): boolean {
    return [...this.engines.values()].some(engine => this.candidates(engine.roles).length > 0)
  }

  private held (): number {
    let count = 0
    for (const engine of this.engines.values()) { count += engine.held() }
    return count
  }

  private async receive (body: unknown, from: string): Promise<unknown> {
    const message = validateCacheMessage(body)
    if (message[0] === 'leaving') {
      this.leaving.add(from)
      for (const engine of this.engines.values()) { engine.schedule() }
      return null
    }
    const engine = this.engines.get(message[1]) ?? this.passive(message)
    if (engine == null) { return message[0] === 'whois' ? [] : null }
    if (message[0] !== 'drop') { this.engineFor(message[1], message[2], undefined) }
    return engine.receive(message, from)
  }

  /** A cache another member writes to before this node opened it: its entries are kept all the same. */
  private passive (message: CacheMessage): CacheEngine | undefined {
    if (message[0] === 'leaving' || message[0] === 'drop' || message[0] === 'whois' || !this.running) { return undefined }
    const [, name, spec] = message
    const options = resolveCacheOptions(name, { maxEntries: PASSIVE_MAX_ENTRIES }, this.limits)
    return this.engineFor(name, spec, options)
  }

  /** The engine of a cache, made with `options` when there is none; one opened otherwise elsewhere is refused. */
  private engineFor (name: string, spec: CacheSpec, options: ResolvedCacheOptions | undefined): CacheEngine {
    const known = this.engines.get(name)
    if (known != null) {
      if (!sameSpec(known.spec, spec)) {
        throw new CacheOptionError(name, 'mode', `is ${describeSpec(known.spec)} on ${this.components.self} but ${describeSpec(spec)} on another member: open it alike everywhere`)
      }
      return known
    }
    if (options === undefined) { throw new CacheOptionError(name, 'mode', 'names no cache here') }
    const engine = new CacheEngine(this.link, {
      name,
      spec,
      maxEntries: options.maxEntries,
      maxBytes: options.maxBytes,
      loadTimeout: options.loadTimeout,
      callTimeout: this.limits.callTimeout,
      maxMessageSize: this.limits.maxMessageSize
    })
    this.engines.set(name, engine)
    return engine
  }

  private candidates (roles: readonly string[]): PlacementCandidate[] {
    const { self } = this.components
    return this.components.membership.activeMembers()
      .filter(member => !isBrowser(member) && !this.leaving.has(member.id) && !(member.id === self && this.selfLeaving))
      .filter(member => roles.every(role => member.roles.includes(role)))
      .map(member => ({ id: member.id, name: member.name, roles: member.roles }))
  }
}
