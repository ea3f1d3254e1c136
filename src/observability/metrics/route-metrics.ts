// Routed calls' metrics, by service: what this node's calls through `cluster.route` did, read at scrape time. Tries per
// call upstream is `(requests + retries) / requests`: the retry budget holds it near 1.2 at most.
import { counter, gauge } from './scraped-metrics.ts'
import type { ServiceStats } from '../../balancing/index.ts'
import type { Registry } from 'prom-client'

type Counted = 'requests' | 'retries' | 'retriesRefused' | 'ejections'

const COUNTERS: ReadonlyArray<[name: string, field: Counted, help: string]> = [
  ['foundation_route_requests_total', 'requests', 'Calls this node routed to one of a service\'s actors (retries not counted), by service'],
  ['foundation_route_retries_total', 'retries', 'Tries on another actor after one that never took the message, by service'],
  ['foundation_route_retries_refused_total', 'retriesRefused', 'Retries the service\'s retry budget refused: the call failed with the last try\'s error, by service'],
  ['foundation_route_ejections_total', 'ejections', 'Actors this node left out of a service for failing, by service']
]

/** `services`: each service this node routed calls to, with its counters here. */
export function registerRouteMetrics (registry: Registry, services: () => ServiceStats[]): void {
  for (const [name, field, help] of COUNTERS) {
    counter(registry, name, help, ['service'], (set) => {
      for (const stats of services()) { set(stats[field], { service: stats.service }) }
    })
  }
  gauge(registry, 'foundation_route_ejected', 'Actors of the service this node leaves out now for failing, by service', ['service'], (set) => {
    for (const stats of services()) { set(stats.ejected.length, { service: stats.service }) }
  })
}
