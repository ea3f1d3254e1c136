// Runs a node's discovery strategies side by side and hands what each finds to the connector. Strategies only
// propose peers: none of them removes a member, so a peer that one backend stops listing stays a member until the
// failure detector says it is gone.
import { TypedEventEmitter } from '@libp2p/interface'
import type { Candidate, DiscoveryError, DiscoveryStrategy, StrategyName, StrategyStatus } from './index.ts'
import type { Logger, Startable } from '@libp2p/interface'

export interface ClusterDiscoveryEvents {
  /** a strategy's round failed; it retries on its own */
  'discovery:error': CustomEvent<DiscoveryError>
}

/** How the strategies were chosen, for `cluster.info()` and the log. */
export interface DiscoveryChoice {
  chosenBy: 'cluster' | 'discovery' | 'profile' | 'auto'
  reason: string
}

export interface DiscoveryInfo extends DiscoveryChoice {
  strategies: StrategyStatus[]
}

export interface ClusterDiscoveryComponents {
  log: Logger
  /** where found peers go */
  offer(candidates: Candidate[], from: StrategyName): void
}

export class ClusterDiscovery extends TypedEventEmitter<ClusterDiscoveryEvents> implements Startable {
  private readonly strategies: DiscoveryStrategy[]
  private readonly choice: DiscoveryChoice
  private readonly log: Logger
  private readonly offer: ClusterDiscoveryComponents['offer']
  private readonly listeners = new Map<DiscoveryStrategy, { candidates(evt: CustomEvent<Candidate[]>): void, error(evt: CustomEvent<DiscoveryError>): void }>()
  private running = false

  constructor (components: ClusterDiscoveryComponents, strategies: DiscoveryStrategy[], choice: DiscoveryChoice) {
    super()
    this.log = components.log
    this.offer = components.offer
    this.strategies = strategies
    this.choice = choice
  }

  isStarted (): boolean {
    return this.running
  }

  async start (): Promise<void> {
    if (this.running) { return }
    this.running = true
    const names = this.strategies.map(s => s.name).join(' + ') || 'none'
    this.log('discovery: %s, chosen by %s: %s', names, this.choice.chosenBy, this.choice.reason)
    for (const strategy of this.strategies) {
      const listeners = {
        candidates: (evt: CustomEvent<Candidate[]>) => { this.offer(evt.detail, strategy.name) },
        error: (evt: CustomEvent<DiscoveryError>) => { this.safeDispatchEvent('discovery:error', { detail: evt.detail }) }
      }
      this.listeners.set(strategy, listeners)
      strategy.addEventListener('candidates', listeners.candidates)
      strategy.addEventListener('error', listeners.error)
    }
    // one strategy that cannot start must not keep the others, or the node, from running
    await Promise.all(this.strategies.map(async strategy => {
      try {
        await strategy.start()
      } catch (err: any) {
        this.log.error('%s discovery did not start - %e', strategy.name, err)
      }
    }))
  }

  async stop (): Promise<void> {
    if (!this.running) { return }
    this.running = false
    await Promise.all(this.strategies.map(async strategy => {
      const listeners = this.listeners.get(strategy)
      if (listeners != null) {
        strategy.removeEventListener('candidates', listeners.candidates)
        strategy.removeEventListener('error', listeners.error)
      }
      try {
        await strategy.stop()
      } catch (err: any) {
        this.log.error('%s discovery did not stop cleanly - %e', strategy.name, err)
      }
    }))
    this.listeners.clear()
  }

  info (): DiscoveryInfo {
    return {
      ...this.choice,
      strategies: this.strategies.map(s => ({ name: s.name, ...s.status, lastError: s.status.lastError != null ? { ...s.status.lastError } : undefined }))
    }
  }
}
