// The heap of a process once the collector has nothing left to take: for figures of bytes per item.

export interface SettledMemory {
  /** heapUsed + external (arrayBuffers are part of external) */
  total: number
  heapUsed: number
  external: number
  rss: number
}

/** Full collections until the heap stops shrinking, with a turn of the loop between them for finalizers. */
export async function settledMemory (gc: () => void): Promise<SettledMemory> {
  let last = Number.POSITIVE_INFINITY
  for (let i = 0; i < 10; i++) {
    gc()
    await new Promise(resolve => setImmediate(resolve))
    const used = process.memoryUsage().heapUsed
    if (used >= last * 0.999) { break }
    last = used
  }
  const m = process.memoryUsage()
  return { total: m.heapUsed + m.external, heapUsed: m.heapUsed, external: m.external, rss: m.rss }
}
