// Discovery through etcd: each node registers itself under a prefix with a lease and watches the prefix, so a peer
// is handed on as soon as it registers, and a node that dies drops out when its lease runs out.
import { TypedEventEmitter } from '@libp2p/interface'
import { SECOND } from '../../config/units.ts'
import { normalizeCandidates } from '../candidates.ts'
import { loadDependency } from '../dependency.ts'
import { EtcdRegistrationLostError, etcdError } from './errors.ts'
import { cancelWatch, watchPrefix } from './prefix-watch.ts'
import { parseRegistration, registrationOf } from './registration.ts'
import type { Loader } from '../dependency.ts'
import type { Candidate, DiscoveryComponents, DiscoveryEvents, DiscoveryFactory, DiscoveryStrategy, StrategyStatus } from '../index.ts'
import type { EtcdInit } from '../inits.ts'
import type { Logger } from '@libp2p/interface'
import type * as Etcd from 'etcd3'

export const DEFAULT_ETCD_ENDPOINT = 'http://127.0.0.1:2379'
export const DEFAULT_ETCD_TTL = 10 * SECOND
export const DEFAULT_ETCD_MIN_BACKOFF = SECOND
export const DEFAULT_ETCD_MAX_BACKOFF = 30 * SECOND
/** ms one request to etcd (grant, put, list, revoke, starting a watch) may take */
export const ETCD_CALL_TIMEOUT = 5 * SECOND

export function defaultEtcdPrefix (clusterName: string): string {
  return `/foundation/${clusterName}/nodes/`
}

/** Not configuration: lets tests stand in for the etcd3 package. */
export interface EtcdOptions {
  load?: Loader<typeof Etcd>
}

/** One start-to-stop span with its own client, lease and watch, so a restart begins clean. */
interface Run {
  readonly signal: AbortSignal
  done?: Promise<void>
  etcd?: typeof Etcd
  client?: Etcd.Etcd3
  lease?: Etcd.Lease
  watcher?: Etcd.Watcher
  /** the valid registrations under the prefix, by key */
  registrations: Map<string, Candidate>
  /** why the lease or the watch stopped working, once one did */
  broken?: Error
  /** wakes the loop waiting for `broken` or stop */
  wake(): void
}

export class EtcdDiscovery extends TypedEventEmitter<DiscoveryEvents> implements DiscoveryStrategy {
  readonly name = 'etcd'
  readonly status: Omit<StrategyStatus, 'name'> = { candidates: 0, failures: 0 }
  private readonly components: DiscoveryComponents
  private readonly log: Logger
  private readonly load: Loader<typeof Etcd>
  private readonly endpoints: string[]
  private readonly prefix: string
  private readonly key: string
  private readonly ttlSeconds: number
  private readonly minBackoff: number
  private readonly maxBackoff: number
  private readonly auth?: { username: string, password: string }
  private run?: { controller: AbortController, state: Run }
  private malformed = 0

  constructor (components: DiscoveryComponents, init: EtcdInit = {}, options: EtcdOptions = {}) {
    super()
    this.components = components
    this.log = components.logger.forComponent('foundation:discovery:etcd')
    this.load = options.load ?? (async () => import('etcd3'))
    const fromEnv = process.env.ETCD_ENDPOINTS?.split(',').map(e => e.trim()).filter(e => e !== '')
    this.endpoints = init.endpoints ?? (fromEnv != null && fromEnv.length > 0 ? fromEnv : [DEFAULT_ETCD_ENDPOINT])
    // the configuration layer fills in the cluster's prefix; this is the default cluster's
    this.prefix = init.prefix ?? defaultEtcdPrefix('foundation')
    this.key = `${this.prefix}${components.self.peerId}`
    // etcd leases count whole seconds
    this.ttlSeconds = Math.max(1, Math.ceil((init.ttl ?? DEFAULT_ETCD_TTL) / SECOND))
    this.minBackoff = init.minBackoff ?? DEFAULT_ETCD_MIN_BACKOFF
    this.maxBackoff = init.maxBackoff ?? DEFAULT_ETCD_MAX_BACKOFF
    this.auth = init.auth
  }

  /** values under the prefix skipped so far because they were not a registration */
  get malformedValues (): number {
    return this.malformed
  }

  isStarted (): boolean {
    return this.run != null
  }

  async start (): Promise<void> {
    if (this.run != null) { return }
    const controller = new AbortController()
    const state: Run = { signal: controller.signal, registrations: new Map(), wake: () => {} }
    controller.signal.addEventListener('abort', () => { state.wake() })
    this.run = { controller, state }
    state.done = this.loop(state).catch(err => { this.log.error('etcd discovery stopped on an unexpected error - %e', err) })
  }

  async stop (): Promise<void> {
    const run = this.run
    if (run == null) { return }
    this.run = undefined
    run.controller.abort()
    await run.state.done
  }

  /** Connects, then waits for the lease or the watch to break, and starts over with backoff until stopped. */
  private async loop (run: Run): Promise<void> {
    try {
      while (!run.signal.aborted) {
        try {
          await this.connect(run)
          await new Promise<void>(resolve => {
            run.wake = resolve
            if (run.broken != null || run.signal.aborted) { resolve() }
          })
          if (run.signal.aborted) { break }
          throw run.broken ?? new Error('the connection to etcd broke')
        } catch (err: any) {
          if (run.signal.aborted) { break }
          const error = run.etcd != null ? etcdError(run.etcd, 'reach etcd', this.endpoints, err) : err
          this.status.failures++
          this.status.lastError = { name: error.name, message: error.message }
          const delay = Math.min(this.maxBackoff, this.minBackoff * 2 ** (this.status.failures - 1))
          this.log.error('%s; retrying in %d ms', error.message, delay)
          this.safeDispatchEvent('error', { detail: error })
          await this.dropWatch(run)
          await sleep(delay, run.signal)
        }
      }
    } finally {
      await this.close(run)
    }
  }

  /** Registers this node if it has no live lease, lists the prefix, and watches it from the listing on. */
  private async connect (run: Run): Promise<void> {
    run.broken = undefined
    const etcd = run.etcd ?? await loadDependency('etcd', 'etcd3', this.load)
    run.etcd = etcd
    if (run.client == null) {
      this.log('connecting to %s', this.endpoints.join(', '))
      run.client = new etcd.Etcd3({
        hosts: this.endpoints,
        // the token exchange takes no default call options, so it gets its own deadline
        auth: this.auth != null ? { ...this.auth, callOptions: () => ({ deadline: Date.now() + ETCD_CALL_TIMEOUT }) } : undefined,
        dialTimeout: ETCD_CALL_TIMEOUT,
        defaultCallOptions: (context) => context.isStream ? {} : { deadline: Date.now() + ETCD_CALL_TIMEOUT }
      })
    }
    const client = run.client
    if (run.lease == null || run.lease.revoked()) {
      await this.register(run, client, etcd)
    }

    let listing: Etcd.IRangeResponse
    try {
      listing = await client.getAll().prefix(this.prefix).exec()
    } catch (err) {
      throw etcdError(etcd, `list ${this.prefix}`, this.endpoints, err)
    }
    run.registrations = new Map()
    this.apply(run, listing.kvs.map(kv => ({ type: 'Put', kv })))
    const from = (BigInt(listing.header.revision) + 1n).toString()
    try {
      run.watcher = await watchPrefix(client, this.prefix, from, {
        onChanges: (events) => {
          this.apply(run, events)
          this.emitCandidates(run)
        },
        onBreak: (cause) => { this.breakRun(run, etcdError(etcd, `watch ${this.prefix}`, this.endpoints, cause)) }
      }, ETCD_CALL_TIMEOUT)
    } catch (err) {
      throw etcdError(etcd, `watch ${this.prefix}`, this.endpoints, err)
    }
    this.emitCandidates(run)
  }

  private async register (run: Run, client: Etcd.Etcd3, etcd: typeof Etcd): Promise<void> {
    const lease = client.lease(this.ttlSeconds)
    lease.on('lost', (err) => {
      if (run.lease !== lease) { return }
      this.breakRun(run, new EtcdRegistrationLostError(`lost the lease of ${this.key} (${err.message}): registering again`, { cause: err }))
    })
    lease.on('keepaliveFailed', (err) => { this.log.trace('keep-alive of %s failed - %e', this.key, err) })
    try {
      await lease.grant()
      await lease.put(this.key).value(JSON.stringify(registrationOf(this.components.self)))
    } catch (err) {
      // the grant may have gone through before the put failed
      lease.revoke().catch(() => {})
      throw etcdError(etcd, `register ${this.key}`, this.endpoints, err)
    }
    run.lease = lease
    this.log('registered %s with a %d s lease', this.key, this.ttlSeconds)
  }

  private apply (run: Run, events: Array<Pick<Etcd.IEvent, 'type' | 'kv'>>): void {
    for (const { type, kv } of events) {
      const key = kv.key.toString()
      const candidate = type === 'Put' ? parseRegistration(kv.value.toString()) : undefined
      if (candidate != null) {
        run.registrations.set(key, candidate)
        continue
      }
      run.registrations.delete(key)
      if (type === 'Put') {
        this.malformed++
        this.log.error('skipped %s: its value is not a registration (JSON { peerId, name, addresses })', key)
      }
    }
  }

  private emitCandidates (run: Run): void {
    if (run.signal.aborted) { return }
    const candidates = normalizeCandidates([...run.registrations.values()], this.components.self)
    this.status.candidates = candidates.length
    this.status.failures = 0
    this.status.lastSuccess = Date.now()
    this.log.trace('found %d candidates', candidates.length)
    this.safeDispatchEvent('candidates', { detail: candidates })
  }

  private breakRun (run: Run, error: Error): void {
    run.broken ??= error
    run.wake()
  }

  private async dropWatch (run: Run): Promise<void> {
    const watcher = run.watcher
    run.watcher = undefined
    if (watcher != null) { await cancelWatch(watcher, ETCD_CALL_TIMEOUT) }
  }

  /** Cancels the watch and revokes the lease, so this node's key disappears at once, then closes the client. */
  private async close (run: Run): Promise<void> {
    await this.dropWatch(run)
    const lease = run.lease
    run.lease = undefined
    if (lease != null && !lease.revoked()) {
      await lease.revoke().then(
        () => { this.log('revoked the lease of %s', this.key) },
        (err) => { this.log.error('could not revoke the lease of %s, it expires within %d s - %e', this.key, this.ttlSeconds, err) }
      )
    }
    run.client?.close()
    run.client = undefined
  }
}

async function sleep (ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) { return }
  await new Promise<void>(resolve => {
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done)
  })
}

export function etcdDiscovery (init: EtcdInit = {}): DiscoveryFactory {
  return (components) => new EtcdDiscovery(components, init)
}
