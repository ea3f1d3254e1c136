// What `foundation dev` and its node processes say to each other over the IPC channel, checked on arrival.
import { BadIpcMessageError } from '../errors.ts'

/** from `foundation dev` to a node: leave the cluster gracefully and exit */
export interface StopMessage { type: 'stop' }

/** from a node: it started and its application ran */
export interface StartedMessage { type: 'started', id: string, http?: string }
/** from a node: how many active members (itself included) it sees, each time that changes */
export interface MembersMessage { type: 'members', count: number }
/** from a node: it could not start; it exits next */
export interface FailedMessage { type: 'failed', error: string }

export type NodeMessage = StartedMessage | MembersMessage | FailedMessage

const isText = (value: unknown): value is string => typeof value === 'string' && value.length < 10_000

/** Checks a message from a node process; BadIpcMessageError for anything else. */
export function nodeMessage (value: unknown): NodeMessage {
  const m = value as Record<string, unknown> | null
  if (m != null && typeof m === 'object') {
    if (m.type === 'started' && isText(m.id) && (m.http == null || isText(m.http))) {
      return { type: 'started', id: m.id, ...(m.http != null ? { http: m.http as string } : {}) }
    }
    if (m.type === 'members' && Number.isSafeInteger(m.count) && (m.count as number) >= 0) {
      return { type: 'members', count: m.count as number }
    }
    if (m.type === 'failed' && isText(m.error)) { return { type: 'failed', error: m.error } }
  }
  throw new BadIpcMessageError(`not a node message: ${JSON.stringify(value)?.slice(0, 200)}`)
}

/** Checks a message from `foundation dev`; BadIpcMessageError for anything else. */
export function launcherMessage (value: unknown): StopMessage {
  if ((value as Record<string, unknown> | null)?.type === 'stop') { return { type: 'stop' } }
  throw new BadIpcMessageError(`not a launcher message: ${JSON.stringify(value)?.slice(0, 200)}`)
}
