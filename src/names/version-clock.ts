// Hands out record versions that only go forward, even when the wall clock steps back or another node's is ahead.
/** A version before the writer's id is added: the writer's id breaks ties between writers. */
export interface ClockVersion {
  time: number
  counter: number
}

export class VersionClock {
  private readonly now: () => number
  private last: ClockVersion = { time: 0, counter: 0 }

  constructor (now: () => number = Date.now) {
    this.now = now
  }

  /**
   * A version newer than every one this clock handed out and than `after` (the newest write of the
   * name seen so far), so a rewrite wins the selector even if the previous writer's clock runs ahead.
   */
  next (after?: ClockVersion): ClockVersion {
    let time = Math.max(Math.floor(this.now()), this.last.time)
    let counter = time === this.last.time ? this.last.counter + 1 : 0

    if (after != null) {
      if (after.time > time) {
        time = after.time
        counter = after.counter + 1
      } else if (after.time === time && after.counter >= counter) {
        counter = after.counter + 1
      }
    }

    this.last = { time, counter }
    return { time, counter }
  }
}
