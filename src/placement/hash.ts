// A fast string hash for placement. Every node must compute the same value for the same input, in every
// process and version, so it is written out here instead of borrowed from a runtime that may change it.

/** 2^32, to join the two 32-bit lanes into one number */
const LANE = 0x1_0000_0000
/** 53 bits is what a JS number holds exactly: 2^53 buckets make ties between two scores vanishingly rare. */
const HIGH_BITS = 0x1f_ffff

/**
 * A 53-bit non-cryptographic hash of `text` (an integer in [0, 2^53)). Two FNV-1a-shaped lanes with different
 * odd multipliers read every UTF-16 unit, then a murmur3-style finalizer mixes each lane into the other so every
 * input bit reaches every output bit. `seed` gives an independent hash of the same text: rendezvous scores use
 * one seed per node.
 *
 * Not for adversarial input: anyone who chooses keys can choose keys that all land on one node.
 *
 * @example
 * ```ts
 * hash53('orders/42')        // same number on every node
 * hash53('orders/42', 7)     // another, unrelated number
 * ```
 */
export function hash53 (text: string, seed = 0): number {
  let a = 0x811c9dc5 ^ seed
  let b = 0x6a09e667 ^ seed
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    a = Math.imul(a ^ unit, 0x9e3779b1)
    b = Math.imul(b ^ unit, 0x5bd1e995)
  }
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b)
  a ^= Math.imul(b ^ (b >>> 13), 0xc2b2ae35)
  b = Math.imul(b ^ (b >>> 16), 0x85ebca6b)
  b ^= Math.imul(a ^ (a >>> 13), 0xc2b2ae35)
  return (b & HIGH_BITS) * LANE + (a >>> 0)
}

/** A 32-bit hash of `text`, used as the seed that makes a node's rendezvous scores its own. */
export function hash32 (text: string): number {
  return hash53(text, 0x2545f491) >>> 0
}
