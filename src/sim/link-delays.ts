// The simulated network's timing: each pair of nodes keeps one delay, drawn on its first message, and messages
// between two nodes arrive in the order they were sent, as over one connection.
import { randomInt } from '../membership/swim/random.ts'

export class LinkDelays {
  private readonly random: () => number
  private readonly latency: [number, number]
  private readonly jitter: number
  /** by sender index, then by receiver index (small integer keys hash fastest) */
  private readonly links: Array<Map<number, { delay: number, lastArrival: number }>> = []

  constructor (random: () => number, latency: [number, number], jitter: number) {
    this.random = random
    this.latency = latency
    this.jitter = jitter
  }

  /** When a message sent at `now` from node `from` to node `to` arrives; `to` undefined for an unknown peer. */
  arrival (from: number, to: number | undefined, now: number): number {
    const [min, max] = this.latency
    const jitter = randomInt(this.random, this.jitter + 1)
    if (to == null) { return now + min + jitter }
    const links = this.links[from] ?? (this.links[from] = new Map())
    let link = links.get(to)
    if (link == null) {
      link = { delay: min + randomInt(this.random, max - min + 1), lastArrival: 0 }
      links.set(to, link)
    }
    link.lastArrival = Math.max(now + link.delay + jitter, link.lastArrival)
    return link.lastArrival
  }
}
