// The messages nodes exchange about names over the '$names' system endpoint, and their checks on arrival.
import { MalformedFrameError } from '../wire/errors.ts'
import { MAX_NAME_LENGTH, validateEntry } from './name-entry.ts'
import type { NameEntry } from './name-entry.ts'

export const NAMES_ENDPOINT = '$names'

/** Entries per update or page: a few hundred bytes each, well under the smallest message size limit. */
export const ENTRIES_PER_MESSAGE = 500

/** MessagePack tuples, kind first: short on the wire, where a failover rewrites thousands of entries at once. */
export type NameMessage =
  /**
   * entries changed: sent, or called to confirm, answered with a ConfirmAnswer: for each entry, null when the member
   * now keeps that very write, else the newer entry it keeps instead
   */
  | ['update', NameEntry[]]
  /**
   * a page of the entries the member answers for (it holds or wrote them), after a name, of every kind or only the
   * distributed ones (call, answered with a NamePage)
   */
  | ['pull', string | null]
  | ['pull', string | null, 'distributed']
  /** the entry a home keeps for a name, tombstone included (call, answered with a FindAnswer) */
  | ['find', string]

export type NamePage = [entries: NameEntry[], more: boolean]
export type FindAnswer = NameEntry | null
export type ConfirmAnswer = Array<NameEntry | null>

export function validateNameMessage (value: unknown): NameMessage {
  if (!Array.isArray(value) || typeof value[0] !== 'string') { throw new MalformedFrameError('name message is not a tuple') }
  if (value[0] === 'update' && value.length === 2 && Array.isArray(value[1]) && value[1].length <= ENTRIES_PER_MESSAGE) {
    return ['update', value[1].map(validateEntry)]
  }
  if (value[0] === 'pull' && value.length === 2 && (value[1] === null || isName(value[1]))) { return ['pull', value[1]] }
  if (value[0] === 'pull' && value.length === 3 && (value[1] === null || isName(value[1])) && value[2] === 'distributed') {
    return ['pull', value[1], 'distributed']
  }
  if (value[0] === 'find' && value.length === 2 && isName(value[1])) { return ['find', value[1]] }
  throw new MalformedFrameError(`malformed name message of kind ${String(value[0])}`)
}

export function validatePage (value: unknown): NamePage {
  if (!Array.isArray(value) || value.length !== 2 || !Array.isArray(value[0]) || value[0].length > ENTRIES_PER_MESSAGE || typeof value[1] !== 'boolean') {
    throw new MalformedFrameError('malformed name page')
  }
  return [value[0].map(validateEntry), value[1]]
}

export function validateConfirmAnswer (value: unknown, count: number): ConfirmAnswer {
  if (!Array.isArray(value) || value.length !== count) { throw new MalformedFrameError('malformed confirm answer') }
  return value.map(entry => entry === null ? null : validateEntry(entry))
}

export function validateFindAnswer (value: unknown): FindAnswer {
  return value === null ? null : validateEntry(value)
}

function isName (value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME_LENGTH
}
