// Messages announced by IHAVE but not received yet, who announced them, and when to ask for them.

/** A lazy neighbour that said it holds a message, and its distance from the origin. */
export interface Announcement {
  peer: string
  round: number
}

interface Wanted {
  /** announcers not asked yet, in the order they announced */
  announcers: Announcement[]
  /** every neighbour that announced it, asked or not: each holds the payload */
  holders: Set<string>
  /** local time at which the next announcer is asked */
  dueAt: number
}

/** A GRAFT the core should send now: the timer for `id` ran out and `announcer` is next to ask. */
export interface DueGraft {
  id: string
  announcer: Announcement
}

const NONE: ReadonlySet<string> = new Set()

/**
 * The paper's missing set and its timers. The first IHAVE for an id starts a timer of `ihaveTimeout`: the payload
 * is probably on its way down a tree link, and asking at once would pull a duplicate. When it runs out the first
 * announcer is asked, and `graftTimeout` later the next one, until the payload comes or no announcer is left.
 */
export class Missing {
  private readonly wanted = new Map<string, Wanted>()
  private readonly ihaveTimeout: number
  private readonly graftTimeout: number

  constructor (init: { ihaveTimeout: number, graftTimeout: number }) {
    this.ihaveTimeout = init.ihaveTimeout
    this.graftTimeout = init.graftTimeout
  }

  get size (): number {
    return this.wanted.size
  }

  /** The announcer of `id` not asked yet that is nearest the origin, if any. */
  closest (id: string): Announcement | undefined {
    let closest: Announcement | undefined
    for (const a of this.wanted.get(id)?.announcers ?? []) {
      if (closest == null || a.round < closest.round) { closest = a }
    }
    return closest
  }

  /** Remembers an announcement; one peer counts once per id, since asking it twice would not help. */
  announce (id: string, peer: string, round: number, now: number): void {
    const entry = this.wanted.get(id)
    if (entry == null) {
      this.wanted.set(id, { announcers: [{ peer, round }], holders: new Set([peer]), dueAt: now + this.ihaveTimeout })
    } else if (!entry.holders.has(peer)) {
      entry.holders.add(peer)
      entry.announcers.push({ peer, round })
    }
  }

  /** The neighbours that announced `id`: they hold its payload, so pushing it to them would only be a duplicate. */
  holders (id: string): ReadonlySet<string> {
    return this.wanted.get(id)?.holders ?? NONE
  }

  /** The payload arrived: nothing more to ask for. */
  received (id: string): void {
    this.wanted.delete(id)
  }

  /** A neighbour left: it cannot be asked, and an id only it announced waits for another announcer. */
  forget (peer: string): void {
    for (const entry of this.wanted.values()) {
      const i = entry.announcers.findIndex(a => a.peer === peer)
      if (i >= 0) { entry.announcers.splice(i, 1) }
    }
  }

  /**
   * Takes the next announcer of every id whose timer ran out and restarts that timer for `graftTimeout`. An id
   * whose announcers are all asked is dropped once its last GRAFT had its time: a later IHAVE starts it anew.
   */
  due (now: number): DueGraft[] {
    const grafts: DueGraft[] = []
    for (const [id, entry] of this.wanted) {
      if (entry.dueAt > now) { continue }
      const announcer = entry.announcers.shift()
      if (announcer == null) {
        this.wanted.delete(id)
        continue
      }
      grafts.push({ id, announcer })
      entry.dueAt = now + this.graftTimeout
    }
    return grafts
  }
}
