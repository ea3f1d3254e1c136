// Small statistics helpers.

/** The p-th percentile (0..100) of the samples, nearest-rank. */
export function percentile (samples: readonly number[], p: number): number {
  if (samples.length === 0) {
    return Number.NaN
  }
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

export function median (samples: readonly number[]): number {
  return percentile(samples, 50)
}

export function mean (samples: readonly number[]): number {
  return samples.length === 0 ? Number.NaN : samples.reduce((a, b) => a + b, 0) / samples.length
}

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export function now (): number {
  return performance.now()
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes on one machine. */
export function wallClock (): number {
  return performance.timeOrigin + performance.now()
}
