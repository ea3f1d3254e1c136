// One thread's ms per item of the burn task: the suite's unit of work. Timed in this process's main thread, with
// nothing else running, after a warm-up that lets V8 optimise the loop (the first call runs about twice as slow).
import { median } from '../lib/stats.ts'
import { burn } from './burn-task.ts'
import { makeItems } from './job-data.ts'

export interface Calibration {
  /** the median of the samples */
  msPerItem: number
  /** ms per item of each timed batch */
  samples: number[]
  items: number
}

export function measureMsPerItem (items: number): Calibration {
  const batch = makeItems(items)
  burn(batch.slice(0, Math.max(1, Math.floor(items / 5))))
  const samples: number[] = []
  for (let i = 0; i < 3; i++) {
    const started = performance.now()
    burn(batch)
    samples.push((performance.now() - started) / items)
  }
  return { msPerItem: median(samples), samples, items }
}
