// Channels of low priority give way to the others from the same peer. All of a peer's channels share one connection,
// so a control frame crosses the link behind whatever a bulk channel has in flight: as much as the bulk stream's
// receive window. While a channel of normal priority is carrying frames from a peer, that peer's low-priority streams
// are held to a narrow window, so a control frame waits behind little of theirs; once the normal channels have been
// quiet a while, the low ones get their full window back, and with it their full speed.
import { ReceiveWindow } from './receive-window.ts'
import type { Clock } from '../../time/clock.ts'

/** what a low-priority stream may have in flight while a normal channel of its peer is busy */
export const YIELDING_WINDOW = 64 * 1024
/** ms a peer's normal channels must be quiet before its low-priority streams get their full window back */
export const QUIET_AFTER = 1_000

/** 'low': the channel gives way to those of normal priority from the same peer */
export type ChannelPriority = 'normal' | 'low'
export const CHANNEL_PRIORITIES = ['normal', 'low'] as const satisfies readonly ChannelPriority[]

/** What a channel's inbound side tells the node's priorities of the streams it reads. */
export interface InboundPriority {
  /** a stream from `peer` opened: returns what to call with each of its frames, and when it closes */
  opened(peer: string, stream: object): { frame(): void, closed(): void }
}

export class ChannelPriorities {
  private readonly clock: Clock
  /** whether any channel of this node is of low priority: without one, nothing gives way and nothing is tracked */
  private readonly anyLow: boolean
  /** per peer: when a channel of normal priority last carried a frame from it */
  private readonly busyAt = new Map<string, number>()
  /** per peer: the windows of its low-priority streams to this node */
  private readonly yielding = new Map<string, Set<ReceiveWindow>>()

  constructor (clock: Clock, priorities: Iterable<ChannelPriority>) {
    this.clock = clock
    this.anyLow = [...priorities].includes('low')
  }

  /** The hooks a channel of this priority's inbound side calls. */
  of (priority: ChannelPriority): InboundPriority {
    return priority === 'low' ? { opened: (peer, stream) => this.lowOpened(peer, stream) } : { opened: (peer, stream) => this.normalOpened(peer, stream) }
  }

  /** A member left: nothing more of it is kept. */
  forget (peer: string): void {
    this.busyAt.delete(peer)
    this.yielding.delete(peer)
  }

  private normalOpened (peer: string, stream: object): { frame(): void, closed(): void } {
    // held at its first size, never narrowed
    ReceiveWindow.hold(stream)
    const closed = (): void => {}
    // on every frame of every channel: with no low-priority channel to tell, it does nothing
    if (!this.anyLow) { return { frame: () => {}, closed } }
    return {
      frame: () => {
        const now = this.clock.now()
        const quiet = this.quiet(peer, now)
        this.busyAt.set(peer, now)
        if (!quiet) { return }
        for (const window of this.yielding.get(peer) ?? []) { window.set(YIELDING_WINDOW) }
      },
      closed
    }
  }

  private lowOpened (peer: string, stream: object): { frame(): void, closed(): void } {
    const window = ReceiveWindow.hold(stream)
    if (!this.quiet(peer)) { window.set(YIELDING_WINDOW) }
    let windows = this.yielding.get(peer)
    if (windows == null) {
      windows = new Set()
      this.yielding.set(peer, windows)
    }
    windows.add(window)
    return {
      frame: () => {
        if (window.bytes < window.full && this.quiet(peer)) { window.set(window.full) }
      },
      closed: () => {
        const open = this.yielding.get(peer)
        open?.delete(window)
        if (open?.size === 0) { this.yielding.delete(peer) }
      }
    }
  }

  private quiet (peer: string, now = this.clock.now()): boolean {
    const at = this.busyAt.get(peer)
    return at == null || now - at >= QUIET_AFTER
  }
}
