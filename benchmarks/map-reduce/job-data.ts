// The items every job of the suite maps, and how their results are folded: a sum modulo 2^32, the same whatever
// order the chunks come back in, so every run's checksum can be compared with every other's.

export const MODULUS = 2 ** 32

/** `count` distinct integers spread over [0, 1,000,003) */
export function makeItems (count: number): number[] {
  return Array.from({ length: count }, (_, i) => (i * 2_654_435_761) % 1_000_003)
}

export function addMod (a: number, b: number): number {
  return (a + b) % MODULUS
}

export function chunksOf (items: number, chunkSize: number): number {
  return Math.ceil(items / chunkSize)
}
