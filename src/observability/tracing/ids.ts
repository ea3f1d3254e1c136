// Random trace and span ids in hex, drawn from a pooled buffer so an id costs no system call.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
/** random bytes fetched at once: 170 traces of one span each */
const POOL_SIZE = 4096

export class RandomIds {
  private readonly pool = new Uint8Array(POOL_SIZE)
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
        this.at = 0
      }
      let out = ''
      let zero = true
      for (let i = 0; i < bytes; i++) {
        const byte = this.pool[this.at++]
        if (byte !== 0) { zero = false }
        out += HEX[byte]
      }
      if (!zero) { return out }
    }
  }
}
