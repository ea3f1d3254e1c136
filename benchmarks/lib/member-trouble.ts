// Counts the membership events that mean a member was doubted or lost (member:suspect, member:leave) on a set of
// nodes: in a cluster nobody stops or cuts, each one is a false suspicion. Used by the scale tests and benchmark.
import type { Cluster, Member } from '../../src/index.ts'

export interface TroubleEvent {
  type: 'suspect' | 'leave'
  /** the node that saw it */
  observer: string
  /** the member it was about, and the status it went to */
  member: string
  status: Member['status']
  /** ms since the watch began (or was last reset) */
  atMs: number
}

type Watched = Pick<Cluster, 'name' | 'addEventListener' | 'removeEventListener'>

/** Listens on every node until closed; `reset()` starts a new window. */
export class MemberTrouble {
  private events: TroubleEvent[] = []
  private since = performance.now()
  private readonly unwatch: Array<() => void> = []

  constructor (nodes: readonly Watched[]) {
    for (const node of nodes) {
      const onSuspect = (evt: CustomEvent<Member>): void => { this.record('suspect', node.name, evt.detail) }
      const onLeave = (evt: CustomEvent<Member>): void => { this.record('leave', node.name, evt.detail) }
      node.addEventListener('member:suspect', onSuspect)
      node.addEventListener('member:leave', onLeave)
      this.unwatch.push(() => {
        node.removeEventListener('member:suspect', onSuspect)
        node.removeEventListener('member:leave', onLeave)
      })
    }
  }

  /** Forgets what was seen: the window starts now. */
  reset (): void {
    this.events = []
    this.since = performance.now()
  }

  list (): TroubleEvent[] {
    return [...this.events]
  }

  count (type: TroubleEvent['type']): number {
    return this.events.filter(e => e.type === type).length
  }

  /** A short account for a failure message: counts, then the first few events. */
  describe (limit = 10): string {
    const first = this.events.slice(0, limit).map(e => `${e.observer} saw ${e.member} ${e.type} (${e.status}) at ${e.atMs} ms`)
    return `${this.count('suspect')} suspect and ${this.count('leave')} leave events${first.length > 0 ? `: ${first.join('; ')}` : ''}`
  }

  close (): void {
    for (const undo of this.unwatch.splice(0)) { undo() }
  }

  private record (type: TroubleEvent['type'], observer: string, member: Member): void {
    this.events.push({ type, observer, member: member.name, status: member.status, atMs: Math.round(performance.now() - this.since) })
  }
}
