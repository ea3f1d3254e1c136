// Node's measures of its own process for the load report: cpu share of the machine, event-loop lag, heap in use.
import { availableParallelism } from 'node:os'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { getHeapStatistics } from 'node:v8'
import type { LoadProbe, LoadSample } from '../../cluster/load-sampler.ts'

/**
 * ms between the event-loop monitor's timer ticks: each tick's delay counts this much on top of the lag, so it is
 * taken off. Node's default; finer costs more wakeups for no use to a balancer that reads lag in tens of ms.
 */
const LAG_RESOLUTION = 10
const NS_PER_MS = 1e6
const US_PER_MS = 1e3
/** shares are told to the thousandth: finer is noise (a small heap is a few thousandths of a 4 GB limit) */
const SHARE_PRECISION = 1000

export function nodeLoadProbe (): LoadProbe {
  const delay = monitorEventLoopDelay({ resolution: LAG_RESOLUTION })
  delay.enable()
  const cores = availableParallelism()
  let cpuBefore = process.cpuUsage()
  let before = performance.now()

  return {
    sample (): LoadSample {
      const now = performance.now()
      const cpuNow = process.cpuUsage()
      const usedMs = (cpuNow.user - cpuBefore.user + cpuNow.system - cpuBefore.system) / US_PER_MS
      const elapsed = now - before
      cpuBefore = cpuNow
      before = now
      const sample: LoadSample = { heap: heapShare() }
      if (elapsed > 0) { sample.cpu = share(usedMs / elapsed / cores) }
      // no tick since the last sample: no lag measured (an empty histogram's percentile means nothing)
      if (delay.count > 0) { sample.eventLoopLag = Math.max(0, Math.round(delay.percentile(99) / NS_PER_MS - LAG_RESOLUTION)) }
      // each interval measured on its own; the monitor's first tick after a reset only starts its next measure, so a
      // block in the same turn as the sample goes unseen: one tick in a 2 s interval, against a sustained load
      delay.reset()
      return sample
    },
    stop (): void {
      delay.disable()
    }
  }
}

function heapShare (): number {
  const { used_heap_size: used, heap_size_limit: limit } = getHeapStatistics()
  return share(used / limit)
}

/** clamped to 0..1: a cpu share a hair above 1 comes from timer rounding, and receivers reject shares above 1 */
function share (value: number): number {
  return Math.min(1, Math.max(0, Math.round(value * SHARE_PRECISION) / SHARE_PRECISION))
}
