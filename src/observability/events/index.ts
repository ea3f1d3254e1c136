// The recent-events log: what happened to the cluster as this node saw it, newest last, for debugging and the dashboard.

/** The cluster events a node keeps in its recent-events log. */
export const RECORDED_EVENTS = [
  'member:join', 'member:suspect', 'member:alive', 'member:leave',
  'actor:failover', 'actor:moved', 'actor:duplicate', 'actor:quorum-lost',
  'partition:detected', 'partition:healed', 'name:conflict', 'supervisor:failed'
] as const

/**
 * The type of a recorded event: one of the cluster events it copies.
 *
 * @useDeclaredType
 */
export type RecordedEventType = typeof RECORDED_EVENTS[number]

/** One entry of a node's recent-events log. */
export interface RecordedEvent {
  /** increases by one per entry on the node that recorded it */
  seq: number
  /** when it was recorded, ms since the epoch */
  time: number
  type: RecordedEventType
  /** what happened, in words: names, ids and reasons */
  detail: string
  /** the member concerned, for member events */
  node?: string
}
