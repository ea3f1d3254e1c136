// The map-reduce benchmark's task module, loaded by piscina in worker threads (every pool of the suite, the plain
// one and the nodes', loads this same file) and called directly to measure one thread's ms per item.
//   - burn: about 1 ms of integer mixing per item on this project's machine, summed modulo 2^32
//   - touch: the same chunk with next to no work (a sum of the items): what a chunk costs beside its work

/** rounds of mixing per item: about 1 ms on this project's 2-core machine (the suite measures it each run) */
export const ROUNDS = 500_000

/**
 * the sum of the mixed items, modulo 2^32 so it stays exact. One function, the mixing loop inside the item loop: with
 * the mixing in a function of its own, V8 (Node 24) compiles it on-stack in its first call, before the code after the
 * loop has run, and a few seconds later falls into a deoptimisation loop on that code, every item then about 4.5 times
 * slower (seen with --trace-deopt): a unit of work that changes speed mid-run would make every ratio meaningless
 */
export function burn (items: number[]): number {
  let sum = 0
  for (let i = 0; i < items.length; i++) {
    let h = items[i] | 0
    for (let k = 0; k < ROUNDS; k++) { h = (Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) + k) | 0 }
    sum = (sum + (h >>> 0)) % 4_294_967_296
  }
  return sum
}

/** the sum of the items, modulo 2^32: a chunk's trip through the pool with no work to speak of */
export function touch (items: number[]): number {
  let sum = 0
  for (const item of items) { sum = (sum + item) % 2 ** 32 }
  return sum
}

export default burn
