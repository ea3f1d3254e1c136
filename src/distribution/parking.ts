// Messages for distributed actors that cannot be handed over right now: the actor is starting, moving, or its node
// just died and failover has not placed it yet. They wait here, bounded in time and number, instead of being lost.
import type { Reply } from '../actors/actor-cell.ts'

export interface ParkedLetter {
  message: unknown
  reply?: Reply
  /** how many nodes passed it on already */
  hops: number
  expires: number
}

export interface ParkingInit {
  /** ms a letter may wait */
  timeout: number
  /** letters that may wait per name; more are refused */
  maxPerName: number
  now(): number
  /** a letter that waited too long or did not fit */
  onDropped(name: string, letter: ParkedLetter): void
}

export class Parking {
  private readonly init: ParkingInit
  private readonly waiting = new Map<string, ParkedLetter[]>()

  constructor (init: ParkingInit) {
    this.init = init
  }

  get size (): number {
    return this.waiting.size
  }

  park (name: string, letter: Omit<ParkedLetter, 'expires'>): void {
    let letters = this.waiting.get(name)
    if (letters == null) {
      letters = []
      this.waiting.set(name, letters)
    }
    const parked = { ...letter, expires: this.init.now() + this.init.timeout }
    if (letters.length >= this.init.maxPerName) {
      this.init.onDropped(name, parked)
      return
    }
    letters.push(parked)
  }

  names (): string[] {
    return [...this.waiting.keys()]
  }

  take (name: string): ParkedLetter[] {
    const letters = this.waiting.get(name) ?? []
    this.waiting.delete(name)
    return letters
  }

  /** Drops the letters that waited past their time. */
  expire (): void {
    const now = this.init.now()
    for (const [name, letters] of this.waiting) {
      const kept = letters.filter(letter => letter.expires > now)
      for (const letter of letters) {
        if (letter.expires <= now) { this.init.onDropped(name, letter) }
      }
      if (kept.length === 0) { this.waiting.delete(name) } else { this.waiting.set(name, kept) }
    }
  }

  dropAll (): void {
    for (const name of this.names()) {
      for (const letter of this.take(name)) { this.init.onDropped(name, letter) }
    }
  }
}
