// Random trace and span ids in hex, cut from a pool of random bytes turned to hex at once, so an id costs neither
// a system call nor a conversion of its own.
import { toHex } from '../../wire/hex.ts'

/** random bytes fetched at once: 170 traces of one span each */
const POOL_SIZE = 4096

export class RandomIds {
  private readonly pool = new Uint8Array(POOL_SIZE)
  /** the pool in hex, two digits a byte */
  private hexPool = ''
  private at = POOL_SIZE

  /** 16 random bytes, never all zero (an invalid trace id) */
  traceId (): string {
    return this.hex(16)
  }

  /** 8 random bytes, never all zero (an invalid span id) */
  spanId (): string {
    return this.hex(8)
  }

  private hex (bytes: number): string {
    for (;;) {
      if (this.at + bytes > POOL_SIZE) {
        crypto.getRandomValues(this.pool)
        this.hexPool = toHex(this.pool)
        this.at = 0
      }
      const start = this.at
      this.at += bytes
      // all zero is invalid in W3C trace context: one chance in 2^64 or more, drawn again
      for (let i = start; i < this.at; i++) {
        if (this.pool[i] !== 0) { return this.hexPool.slice(start * 2, this.at * 2) }
      }
    }
  }
}
