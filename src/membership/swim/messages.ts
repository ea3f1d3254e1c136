// The SWIM wire messages, and the validator every decoded message passes before the core sees it.
import { InvalidMessageError } from '../errors.ts'
import type { MemberRecord, MemberStatus } from '../index.ts'

/**
 * Who suspects the member of a suspect record in the same message, at that record's incarnation: the members whose
 * own probe failed (`by`), and those of them whose connection to it had closed (`closed`). Independent witnesses
 * are what shortens a suspicion (Lifeguard); see Suspicions for how far one sender's word counts.
 */
export interface Witnesses { id: string, by: string[], closed: string[] }

/** News riding on a message. */
export interface Piggyback { updates: MemberRecord[], witnesses?: Witnesses[] }
/** Direct probe; answered by an ack with the same seq. */
export interface PingMessage extends Piggyback { type: 'ping', seq: number }
/** Answer to a ping, or a relayed answer to a ping-req. */
export interface AckMessage extends Piggyback { type: 'ack', seq: number }
/**
 * Asks the receiver to probe `target` and relay the ack under `seq`; with `nack`, to say so under `seq` if the
 * target stays silent, which tells the requester the relay is alive and the target is the problem.
 */
export interface PingReqMessage extends Piggyback { type: 'ping-req', seq: number, target: string, nack?: true }
/** A relay's ping for a ping-req got no answer in time. */
export interface NackMessage { type: 'nack', seq: number }
/** Push half of a push-pull sync: the sender's whole view. */
export interface SyncMessage { type: 'sync', members: MemberRecord[] }
/** Pull half of a push-pull sync: the receiver's whole view. */
export interface SyncAckMessage { type: 'sync-ack', members: MemberRecord[] }
/** News with no probe attached, e.g. a graceful leave. */
export interface GossipMessage extends Piggyback { type: 'gossip' }

export type SwimMessage = PingMessage | AckMessage | PingReqMessage | NackMessage | SyncMessage | SyncAckMessage | GossipMessage

/** A message the core wants delivered to one member. */
export interface Outbound { to: string, message: SwimMessage }

/**
 * Highest incarnation accepted. A member raises its own by one per refutation (at most about one per probe
 * interval) or change of its record: 2^32 - 1 is 136 years of a refutation a second, and memberlist's uint32. A
 * larger value can only be forged, and near 2^53 it would leave the member unable to refute (n + 1 === n).
 */
export const MAX_INCARNATION = 2 ** 32 - 1
/** Highest probe sequence number; ours wrap below it. */
export const MAX_SEQ = 2 ** 32 - 1

/** Bounds on what a peer may send us; the frame size limit bounds the total on top of these. */
export const MESSAGE_LIMITS = {
  idLength: 256,
  nameLength: 256,
  roles: 64,
  roleLength: 128,
  addresses: 64,
  addressLength: 1024,
  updates: 1024,
  /** witnesses named for one suspect record */
  witnesses: 64,
  /** bytes of a member's proof: an Ed25519 signature is 64 */
  proofLength: 128,
  /**
   * A real record takes at least ~64 bytes on the wire (a peer id alone is 52 characters), so a 1 MiB frame holds
   * at most ~16k of them: a longer list is made of fake records. Views beyond that need paginated syncs anyway.
   */
  members: 16_384
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

function counter (value: unknown, field: string, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidMessageError(field, 'is not a non-negative integer')
  }
  if (value > max) { throw new InvalidMessageError(field, `is above ${max}`) }
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

function bytes (value: unknown, field: string, max: number): Uint8Array {
  if (!(value instanceof Uint8Array)) { throw new InvalidMessageError(field, 'is not bytes') }
  if (value.byteLength > max) { throw new InvalidMessageError(field, `is longer than ${max} bytes`) }
  return value
}

/**
 * Checks one member record and returns a clean copy holding only the known fields. Its proof is only checked for
 * shape here: whether it proves anything is membership's check, which drops the record alone (see member-proofs.ts).
 */
export function validateMember (value: unknown, field: string): MemberRecord {
  const m = record(value, field)
  const status = m.status
  if (typeof status !== 'string' || !STATUSES.has(status)) {
    throw new InvalidMessageError(`${field}.status`, 'is not one of alive, suspect, dead, left')
  }
  const member: MemberRecord = {
    id: string(m.id, `${field}.id`, MESSAGE_LIMITS.idLength),
    name: string(m.name, `${field}.name`, MESSAGE_LIMITS.nameLength, true),
    roles: strings(m.roles, `${field}.roles`, MESSAGE_LIMITS.roles, MESSAGE_LIMITS.roleLength),
    addresses: strings(m.addresses, `${field}.addresses`, MESSAGE_LIMITS.addresses, MESSAGE_LIMITS.addressLength),
    status: status as MemberStatus,
    incarnation: counter(m.incarnation, `${field}.incarnation`, MAX_INCARNATION)
  }
  if (m.proof != null) { member.proof = bytes(m.proof, `${field}.proof`, MESSAGE_LIMITS.proofLength) }
  return member
}

function members (value: unknown, field: string, max: number): MemberRecord[] {
  return list(value, field, max).map((item, i) => validateMember(item, `${field}[${i}]`))
}

/** `updates`, and `witnesses` when present, each about a suspect record of the same message. */
function piggyback (m: Fields): Piggyback {
  const updates = members(m.updates, 'updates', MESSAGE_LIMITS.updates)
  if (m.witnesses == null) { return { updates } }
  const witnesses = list(m.witnesses, 'witnesses', MESSAGE_LIMITS.updates).map((value, i): Witnesses => {
    const field = `witnesses[${i}]`
    const w = record(value, field)
    const id = string(w.id, `${field}.id`, MESSAGE_LIMITS.idLength)
    if (!updates.some(u => u.id === id && u.status === 'suspect')) {
      throw new InvalidMessageError(`${field}.id`, 'names no suspect record of this message')
    }
    return {
      id,
      by: strings(w.by, `${field}.by`, MESSAGE_LIMITS.witnesses, MESSAGE_LIMITS.idLength),
      closed: strings(w.closed, `${field}.closed`, MESSAGE_LIMITS.witnesses, MESSAGE_LIMITS.idLength)
    }
  })
  return witnesses.length > 0 ? { updates, witnesses } : { updates }
}

/** Checks news that travels on its own (a broadcast's payload) and returns a clean copy of it. */
export function validateNews (value: unknown): Piggyback {
  return piggyback(record(value, 'news'))
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
      return { type: m.type, seq: counter(m.seq, 'seq', MAX_SEQ), ...piggyback(m) }
    case 'ping-req': {
      const message: PingReqMessage = {
        type: 'ping-req',
        seq: counter(m.seq, 'seq', MAX_SEQ),
        target: string(m.target, 'target', MESSAGE_LIMITS.idLength),
        ...piggyback(m)
      }
      if (m.nack === true) { message.nack = true }
      return message
    }
    case 'nack':
      return { type: 'nack', seq: counter(m.seq, 'seq', MAX_SEQ) }
    case 'sync':
    case 'sync-ack':
      return { type: m.type, members: members(m.members, 'members', MESSAGE_LIMITS.members) }
    case 'gossip':
      return { type: 'gossip', ...piggyback(m) }
    default:
      throw new InvalidMessageError('type', 'is not a known message type')
  }
}
