// Seeded randomness for the protocol cores, so a run in the simulator replays exactly from its seed.

/** Returns a number in [0, 1), like Math.random. */
export type Random = () => number

/** mulberry32: tiny, fast and good enough for choosing probe targets; not for anything secret. */
export function seededRandom (seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function randomInt (random: Random, bound: number): number {
  return Math.floor(random() * bound)
}

/** Fisher-Yates, in place. */
export function shuffle<T> (random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1)
    const tmp = items[i]
    items[i] = items[j]
    items[j] = tmp
  }
  return items
}

/** Up to `count` distinct items chosen uniformly. */
export function sample<T> (random: Random, items: readonly T[], count: number): T[] {
  return shuffle(random, [...items]).slice(0, count)
}
