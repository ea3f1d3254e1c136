// The platform's measures of the node's process, sampled once per load interval: info() and placement read the last
// sample as often as they like, and each sample spans a whole interval (cpu and lag are measured over time).
import { DEFAULT_LOAD_INTERVAL } from './node-load.ts'
import type { NodeLoad } from './load-report.ts'

/** What a platform measures of the process a node runs in; a field it cannot measure is absent. */
export type LoadSample = Pick<NodeLoad, 'cpu' | 'eventLoopLag' | 'heap'>

/** A platform's measuring, from when it is made: each sample covers the time since the one before. */
export interface LoadProbe {
  sample(): LoadSample
  /** releases what it measures with (the event-loop monitor) */
  stop(): void
}

export interface LoadSamplerComponents {
  /** makes the platform's probe; absent where the platform measures nothing (the sample stays empty) */
  probe?(): LoadProbe
}

export interface LoadSamplerInit {
  /** ms between samples, default DEFAULT_LOAD_INTERVAL: one sample for each look at the load */
  interval?: number
}

export class LoadSampler {
  private readonly components: LoadSamplerComponents
  private readonly interval: number
  private probe: LoadProbe | undefined
  private timer: ReturnType<typeof setInterval> | undefined
  private last: LoadSample = {}

  constructor (components: LoadSamplerComponents, init: LoadSamplerInit = {}) {
    this.components = components
    this.interval = init.interval ?? DEFAULT_LOAD_INTERVAL
  }

  start (): void {
    if (this.probe != null || this.components.probe == null) { return }
    const probe = this.components.probe()
    this.probe = probe
    this.timer = setInterval(() => { this.last = probe.sample() }, this.interval)
    // measuring is no reason to keep a process alive
    this.timer.unref?.()
  }

  /** the last sample, empty before the first interval has passed and once stopped */
  latest (): LoadSample {
    return this.last
  }

  stop (): void {
    clearInterval(this.timer)
    this.probe?.stop()
    this.timer = undefined
    this.probe = undefined
    this.last = {}
  }
}
