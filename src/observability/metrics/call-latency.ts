// The call latency histogram: fixed buckets counted in plain numbers as calls settle, shaped for Prometheus only when scraped.
import type { CallOutcome } from '../../messaging/direct/pending-calls.ts'

/** upper bounds in seconds: a call on a LAN takes about a millisecond, a timed-out one the call timeout (5 s) */
export const CALL_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

const OUTCOMES: readonly CallOutcome[] = ['ok', 'error', 'timeout']

class OutcomeCounts {
  /** calls per bucket, not cumulative: the first bound at or above the duration */
  readonly buckets = new Float64Array(CALL_BUCKETS.length)
  count = 0
  sum = 0
}

interface Sample {
  metricName: string
  labels: Record<string, string | number>
  value: number
}

/**
 * A prom-client metric of its own kind: prom-client's Histogram hashes its labels on every observe, while a call
 * here costs a clock read, a short loop and three increments. The registry reads it through `get()`.
 */
export class CallLatency {
  readonly name = 'foundation_call_duration_seconds'
  readonly help = 'Calls this node made to actors and services of other nodes, by outcome (ok, error, timeout), in seconds until settled'
  readonly type = 'histogram'
  readonly aggregator = 'sum'
  private readonly counts: Record<CallOutcome, OutcomeCounts> = { ok: new OutcomeCounts(), error: new OutcomeCounts(), timeout: new OutcomeCounts() }

  /** The observer DirectMessaging calls as each call settles. */
  readonly record = (outcome: CallOutcome, ms: number): void => {
    const counts = this.counts[outcome]
    const seconds = ms / 1000
    counts.count++
    counts.sum += seconds
    for (let i = 0; i < CALL_BUCKETS.length; i++) {
      if (seconds <= CALL_BUCKETS[i]) {
        counts.buckets[i]++
        break
      }
    }
  }

  /** calls settled with this outcome so far */
  count (outcome: CallOutcome): number {
    return this.counts[outcome].count
  }

  get (): { name: string, help: string, type: string, aggregator: string, values: Sample[] } {
    const values: Sample[] = []
    for (const outcome of OUTCOMES) {
      const counts = this.counts[outcome]
      let cumulative = 0
      for (let i = 0; i < CALL_BUCKETS.length; i++) {
        cumulative += counts.buckets[i]
        values.push({ metricName: `${this.name}_bucket`, labels: { le: CALL_BUCKETS[i], outcome }, value: cumulative })
      }
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', outcome }, value: counts.count })
      values.push({ metricName: `${this.name}_sum`, labels: { outcome }, value: counts.sum })
      values.push({ metricName: `${this.name}_count`, labels: { outcome }, value: counts.count })
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }

  reset (): void {
    for (const outcome of OUTCOMES) {
      const counts = this.counts[outcome]
      counts.buckets.fill(0)
      counts.count = 0
      counts.sum = 0
    }
  }
}
