// The shared loop of every strategy that asks a backend for its peers: poll each interval, hand on the full list,
// and on failure report the error and retry sooner, backing off, without ever throwing into the node.
import { TypedEventEmitter } from '@libp2p/interface'
import { SECOND } from '../config/units.ts'
import { normalizeCandidates } from './candidates.ts'
import { DiscoveryError } from './errors.ts'
import type { Candidate, DiscoveryComponents, DiscoveryEvents, DiscoveryStrategy, StrategyName, StrategyStatus } from './index.ts'
import type { Logger } from '@libp2p/interface'

export const DEFAULT_POLL_INTERVAL = 5 * SECOND
export const DEFAULT_POLL_TIMEOUT = 5 * SECOND
export const DEFAULT_MIN_BACKOFF = SECOND
export const DEFAULT_MAX_BACKOFF = 30 * SECOND

export interface PollingInit {
  /** ms between two successful rounds (default 5 s) */
  interval?: number
  /** ms one round may take before it counts as failed (default 5 s) */
  timeout?: number
  /** ms before the first retry after a failure, doubled on each failure in a row (default 1 s) */
  minBackoff?: number
  /** longest ms between retries (default 30 s) */
  maxBackoff?: number
}

export abstract class PollingDiscovery extends TypedEventEmitter<DiscoveryEvents> implements DiscoveryStrategy {
  abstract readonly name: StrategyName
  readonly status: Omit<StrategyStatus, 'name'> = { candidates: 0, failures: 0 }
  protected readonly components: DiscoveryComponents
  protected readonly log: Logger
  private readonly interval: number
  private readonly timeout: number
  private readonly minBackoff: number
  private readonly maxBackoff: number
  private running?: AbortController
  private timer?: ReturnType<typeof setTimeout>
  private setUpDone = false

  constructor (components: DiscoveryComponents, init: PollingInit, logName: string) {
    super()
    this.components = components
    this.log = components.logger.forComponent(`foundation:discovery:${logName}`)
    this.interval = init.interval ?? DEFAULT_POLL_INTERVAL
    this.timeout = init.timeout ?? DEFAULT_POLL_TIMEOUT
    this.minBackoff = init.minBackoff ?? DEFAULT_MIN_BACKOFF
    this.maxBackoff = init.maxBackoff ?? DEFAULT_MAX_BACKOFF
  }

  /** One round: everything the backend lists now. Throw a DiscoveryError saying what went wrong. */
  protected abstract poll (signal: AbortSignal): Promise<Candidate[]>

  /** Runs once as the strategy starts, before the first round (etcd registers itself here). */
  protected async setUp (signal: AbortSignal): Promise<void> {}

  /** Runs once as the strategy stops. */
  protected async tearDown (): Promise<void> {}

  isStarted (): boolean {
    return this.running != null
  }

  async start (): Promise<void> {
    if (this.running != null) { return }
    const running = new AbortController()
    this.running = running
    this.schedule(running, 0)
  }

  async stop (): Promise<void> {
    const running = this.running
    if (running == null) { return }
    this.running = undefined
    clearTimeout(this.timer)
    running.abort()
    if (!this.setUpDone) { return }
    this.setUpDone = false
    await this.tearDown().catch(err => { this.log.error('stopping failed - %e', err) })
  }

  private schedule (running: AbortController, delay: number): void {
    this.timer = setTimeout(() => { void this.round(running) }, delay)
  }

  private async round (running: AbortController): Promise<void> {
    let delay = this.interval
    try {
      const signal = AbortSignal.any([running.signal, AbortSignal.timeout(this.timeout)])
      if (!this.setUpDone) {
        await this.setUp(signal)
        this.setUpDone = true
      }
      const candidates = normalizeCandidates(await this.poll(signal), this.components.self)
      if (running.signal.aborted) { return }
      this.status.candidates = candidates.length
      this.status.failures = 0
      this.status.lastSuccess = Date.now()
      this.log.trace('found %d candidates', candidates.length)
      this.safeDispatchEvent('candidates', { detail: candidates })
    } catch (err: any) {
      if (running.signal.aborted) { return }
      const error = err instanceof DiscoveryError ? err : new DiscoveryError(this.name, err?.message ?? String(err), { cause: err })
      this.status.failures++
      this.status.lastError = { name: error.name, message: error.message }
      delay = Math.min(this.maxBackoff, this.minBackoff * 2 ** (this.status.failures - 1))
      this.log.error('%s; retrying in %d ms', error.message, delay)
      this.safeDispatchEvent('error', { detail: error })
    }
    if (this.running === running) { this.schedule(running, delay) }
  }
}
