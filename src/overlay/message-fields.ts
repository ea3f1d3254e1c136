// Field checks the overlay protocols share when they validate a message from the network: each failure is a
// MalformedFrameError naming the protocol, the field and what is wrong with it.
import { MalformedFrameError } from '../wire/errors.ts'

export type Fields = Record<string, unknown>

export interface MessageFields {
  fail(field: string, problem: string): never
  /** a plain map, not an array or bytes */
  record(value: unknown, field: string): Fields
  /** a non-empty string of at most the protocol's id length */
  id(value: unknown, field: string): string
}

export function messageFields (protocol: string, idLength: number): MessageFields {
  const fail = (field: string, problem: string): never => {
    throw new MalformedFrameError(`invalid ${protocol} message: ${field} ${problem}`)
  }
  return {
    fail,
    record: (value, field) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) { fail(field, 'is not a map') }
      return value as Fields
    },
    id: (value, field) => {
      if (typeof value !== 'string') { fail(field, 'is not a string') }
      const text = value as string
      if (text.length === 0) { fail(field, 'is empty') }
      if (text.length > idLength) { fail(field, `is longer than ${idLength} characters`) }
      return text
    }
  }
}
