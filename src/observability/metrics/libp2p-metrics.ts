// libp2p's own metrics (connections, streams, dht, gossipsub, bytes per protocol) in a node's registry.
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { register as globalRegistry } from 'prom-client'
import type { Metrics } from '@libp2p/interface'
import type { PrometheusMetricsComponents } from '@libp2p/prometheus-metrics'
import type { Metric, Registry } from 'prom-client'

/**
 * The `metrics` option of createLibp2p, writing to `registry`. `@libp2p/prometheus-metrics` clears prom-client's
 * global registry as it starts (its own table of metrics is module-wide, and it starts that afresh): the metrics and
 * default labels an application had put there are put back at once, so a node never wipes its host's metrics.
 * With `processMetrics`, prom-client's process and Node.js metrics are collected too; each collection adds
 * observers to the process for good, so this is for one node per process.
 */
export function libp2pMetrics (registry: Registry, processMetrics: boolean): (components: PrometheusMetricsComponents) => Metrics {
  const factory = prometheusMetrics({ registry, collectDefaultMetrics: processMetrics })
  return (components) => {
    const saved = globalRegistry.getMetricsAsArray()
    const labels = { ...(globalRegistry as unknown as { _defaultLabels?: Record<string, string> })._defaultLabels }
    const metrics = factory(components)
    for (const metric of saved) {
      if (globalRegistry.getSingleMetric(metric.name) == null) { globalRegistry.registerMetric(metric as unknown as Metric) }
    }
    if (Object.keys(labels).length > 0) { globalRegistry.setDefaultLabels(labels) }
    return metrics
  }
}
