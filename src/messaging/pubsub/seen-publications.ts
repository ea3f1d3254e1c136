// The publication ids a node has handled lately, so a batch that comes both by gossipsub and by the broadcast tree
// is delivered once.

/**
 * Two generations of ids: the current one takes new ids, and every `retention` / 2 ms it becomes the previous one
 * and the old previous one is dropped. An id is remembered between retention / 2 and retention ms, at the cost of
 * one set swap instead of a timestamp per id. A copy that comes later than that by the slower path is delivered
 * twice; both paths bring a batch within seconds of the other.
 */
export class SeenPublications {
  private current = new Set<string>()
  private previous = new Set<string>()
  private readonly halfLife: number
  private rotateAt: number

  constructor (retention: number, now: number) {
    this.halfLife = retention / 2
    this.rotateAt = now + this.halfLife
  }

  /** True the first time `id` is seen within the retention. */
  firstTime (id: string, now: number): boolean {
    if (now >= this.rotateAt) {
      if (now >= this.rotateAt + this.halfLife) {
        // a quiet spell longer than a generation: both are past it
        this.previous = new Set()
        this.rotateAt = now + this.halfLife
      } else {
        this.previous = this.current
        this.rotateAt += this.halfLife
      }
      this.current = new Set()
    }
    if (this.current.has(id) || this.previous.has(id)) { return false }
    this.current.add(id)
    return true
  }

  get size (): number {
    return this.current.size + this.previous.size
  }
}
