// The SWIM wire messages, and the validator every decoded message passes before the core sees it.
import { InvalidMessageError } from '../errors.ts'
import type { Member, MemberStatus } from '../index.ts'

/** Direct probe; answered by an ack with the same seq. */
export interface PingMessage { type: 'ping', seq: number, updates: Member[] }
/** Answer to a ping, or a relayed answer to a ping-req. */
export interface AckMessage { type: 'ack', seq: number, updates: Member[] }
/** Asks the receiver to probe `target` and relay the ack under `seq`. */
export interface PingReqMessage { type: 'ping-req', seq: number, target: string, updates: Member[] }
/** Push half of a push-pull sync: the sender's whole view. */
export interface SyncMessage { type: 'sync', members: Member[] }
/** Pull half of a push-pull sync: the receiver's whole view. */
export interface SyncAckMessage { type: 'sync-ack', members: Member[] }
/** News with no probe attached, e.g. a graceful leave. */
export interface GossipMessage { type: 'gossip', updates: Member[] }

export type SwimMessage = PingMessage | AckMessage | PingReqMessage | SyncMessage | SyncAckMessage | GossipMessage

/** A message the core wants delivered to one member. */
export interface Outbound { to: string, message: SwimMessage }

/** Bounds on what a peer may send us; the frame size limit bounds the total on top of these. */
export const MESSAGE_LIMITS = {
  idLength: 256,
  nameLength: 256,
  roles: 64,
  roleLength: 128,
  addresses: 64,
  addressLength: 1024,
  updates: 1024,
  members: 100_000
}

const STATUSES: ReadonlySet<string> = new Set<MemberStatus>(['alive', 'suspect', 'dead', 'left'])

type Fields = Record<string, unknown>

function record (value: unknown, field: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new InvalidMessageError(field, 'is not a map')
  }
  return value as Fields
}

function string (value: unknown, field: string, max: number, allowEmpty = false): string {
  if (typeof value !== 'string') { throw new InvalidMessageError(field, 'is not a string') }
  if (!allowEmpty && value.length === 0) { throw new InvalidMessageError(field, 'is empty') }
  if (value.length > max) { throw new InvalidMessageError(field, `is longer than ${max} characters`) }
  return value
}

function counter (value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidMessageError(field, 'is not a non-negative integer')
  }
  return value
}

function list (value: unknown, field: string, max: number): unknown[] {
  if (!Array.isArray(value)) { throw new InvalidMessageError(field, 'is not a list') }
  if (value.length > max) { throw new InvalidMessageError(field, `has more than ${max} entries`) }
  return value
}

function strings (value: unknown, field: string, max: number, maxLength: number): string[] {
  return list(value, field, max).map((item, i) => string(item, `${field}[${i}]`, maxLength))
}

/** Checks one member record and returns a clean copy holding only the known fields. */
export function validateMember (value: unknown, field: string): Member {
  const m = record(value, field)
  const status = m.status
  if (typeof status !== 'string' || !STATUSES.has(status)) {
    throw new InvalidMessageError(`${field}.status`, 'is not one of alive, suspect, dead, left')
  }
  return {
    id: string(m.id, `${field}.id`, MESSAGE_LIMITS.idLength),
    name: string(m.name, `${field}.name`, MESSAGE_LIMITS.nameLength, true),
    roles: strings(m.roles, `${field}.roles`, MESSAGE_LIMITS.roles, MESSAGE_LIMITS.roleLength),
    addresses: strings(m.addresses, `${field}.addresses`, MESSAGE_LIMITS.addresses, MESSAGE_LIMITS.addressLength),
    status: status as MemberStatus,
    incarnation: counter(m.incarnation, `${field}.incarnation`)
  }
}

function members (value: unknown, field: string, max: number): Member[] {
  return list(value, field, max).map((item, i) => validateMember(item, `${field}[${i}]`))
}

/**
 * Returns a clean copy of a decoded message, or throws InvalidMessageError naming the first bad field.
 * The copy drops unknown fields so nothing a peer adds can reach the core.
 */
export function validateMessage (value: unknown): SwimMessage {
  const m = record(value, 'message')
  switch (m.type) {
    case 'ping':
    case 'ack':
      return { type: m.type, seq: counter(m.seq, 'seq'), updates: members(m.updates, 'updates', MESSAGE_LIMITS.updates) }
    case 'ping-req':
      return {
        type: 'ping-req',
        seq: counter(m.seq, 'seq'),
        target: string(m.target, 'target', MESSAGE_LIMITS.idLength),
        updates: members(m.updates, 'updates', MESSAGE_LIMITS.updates)
      }
    case 'sync':
    case 'sync-ack':
      return { type: m.type, members: members(m.members, 'members', MESSAGE_LIMITS.members) }
    case 'gossip':
      return { type: 'gossip', updates: members(m.updates, 'updates', MESSAGE_LIMITS.updates) }
    default:
      throw new InvalidMessageError('type', 'is not a known message type')
  }
}
