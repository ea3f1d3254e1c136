// The messages distributed-actor nodes exchange over the '$dist' system endpoint, and their checks on arrival.
import { MalformedFrameError } from '../wire/errors.ts'
import { MAX_DISTRIBUTED_NAME, validateDistributedEntry } from './entry.ts'
import type { DirectoryEntry } from './entry.ts'

export const DIST_ENDPOINT = '$dist'

/** MessagePack tuples, kind first: short on the wire, where a failover moves thousands of entries at once. */
export type DistMessage =
  /**
   * run these actors here, with the handed-off states when they move; when `visible`, answer only once every member
   * has the new entries (call, answered with a StartAnswer)
   */
  | ['start', DirectoryEntry[], unknown[] | null, boolean]
  /** the sender is moving its actors away and leaving (send) */
  | ['drain']
  /** move an actor this node runs to another member (call, answered with the new holder's peer id) */
  | ['migrate', string, string]
  /** the latest state of an actor, kept against its holder's crash (send) */
  | ['checkpoint', string, number, unknown]
  /** the checkpoints this node keeps of these names (call, answered with Checkpoint[]) */
  | ['checkpoints', string[]]
  /** a message for an actor that runs elsewhere, passed on (send or call) */
  | ['forward', string, unknown, number]

export type StartAnswer = [started: DirectoryEntry[], failed: Array<[name: string, error: string]>]
export type Checkpoint = [name: string, at: number, state: unknown]

export function validateDistMessage (value: unknown): DistMessage {
  if (!Array.isArray(value) || typeof value[0] !== 'string') { throw new MalformedFrameError('distribution message is not a tuple') }
  switch (value[0]) {
    case 'start':
      if (value.length === 4 && Array.isArray(value[1]) && (value[2] === null || (Array.isArray(value[2]) && value[2].length === value[1].length)) &&
        typeof value[3] === 'boolean') {
        return ['start', value[1].map(validateDistributedEntry), value[2], value[3]]
      }
      break
    case 'drain':
      if (value.length === 1) { return ['drain'] }
      break
    case 'migrate':
      if (value.length === 3 && isName(value[1]) && isName(value[2])) { return ['migrate', value[1], value[2]] }
      break
    case 'checkpoint':
      if (value.length === 4 && isName(value[1]) && isTime(value[2])) { return ['checkpoint', value[1], value[2], value[3]] }
      break
    case 'checkpoints':
      if (value.length === 2 && Array.isArray(value[1]) && value[1].every(isName)) { return ['checkpoints', value[1]] }
      break
    case 'forward':
      if (value.length === 4 && isName(value[1]) && Number.isSafeInteger(value[3]) && value[3] >= 0) { return ['forward', value[1], value[2], value[3]] }
      break
    default:
      break
  }
  throw new MalformedFrameError(`malformed distribution message of kind ${String(value[0])}`)
}

export function validateStartAnswer (value: unknown): StartAnswer {
  if (!Array.isArray(value) || value.length !== 2 || !Array.isArray(value[0]) || !Array.isArray(value[1]) ||
    !value[1].every(f => Array.isArray(f) && f.length === 2 && isName(f[0]) && typeof f[1] === 'string')) {
    throw new MalformedFrameError('malformed start answer')
  }
  return [value[0].map(validateDistributedEntry), value[1]]
}

export function validateCheckpoints (value: unknown): Checkpoint[] {
  if (!Array.isArray(value) || !value.every(c => Array.isArray(c) && c.length === 3 && isName(c[0]) && isTime(c[1]))) {
    throw new MalformedFrameError('malformed checkpoint list')
  }
  return value as Checkpoint[]
}

function isName (value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_DISTRIBUTED_NAME
}

/** When a checkpoint was taken: its holder's clock.now(), ms that are never below 0; a negative one is forged or a bug. */
function isTime (value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0
}
