// Metrics whose values are read when Prometheus scrapes, from counters and state the node keeps anyway: the paths
// that count only ever increment plain numbers.
import { Counter, Gauge } from 'prom-client'
import type { Registry } from 'prom-client'

export type SetValue = (value: number, labels?: Record<string, string>) => void

/** A counter whose value is read at scrape time. */
export function counter (registry: Registry, name: string, help: string, labelNames: string[], read: (set: SetValue) => void): void {
  // prom-client calls collect with the metric as `this`
  const metric: Counter = new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect () {
      metric.reset()
      read((value, labels) => { if (labels != null) { metric.inc(labels, value) } else { metric.inc(value) } })
    }
  })
}

/** A gauge whose value is read at scrape time. */
export function gauge (registry: Registry, name: string, help: string, labelNames: string[], read: (set: SetValue) => void): void {
  const metric: Gauge = new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect () {
      // as for counters: a series whose labels are no longer read (a cache that closed) is not served on
      metric.reset()
      read((value, labels) => { if (labels != null) { metric.set(labels, value) } else { metric.set(value) } })
    }
  })
}
