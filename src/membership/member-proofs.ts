// Members sign what they say about themselves, and every member checks the signature before it believes a record or
// passes it on: without it, one well-formed frame from any peer holding the cluster key could say a member left, died
// at an incarnation it can never refute, or that two hundred invented members joined.
import { Codec } from '../wire/codec.ts'
import type { MemberRecord } from './index.ts'
import type { PeerKeys, SigningKey } from '../node/node-keys.ts'

/** Names what is signed, so a member's signature of its record can never be taken for a signature of anything else. */
const STATEMENT = 'foundation/member-statement/1'

/**
 * The bytes a member signs: its word about itself, alive at an incarnation with its name, roles and addresses, or
 * left. Suspect and dead are others' words about it; their records carry its proof of the incarnation they are about.
 * The cluster name is part of it: a record signed for one cluster proves nothing in another.
 */
function statement (codec: Codec, cluster: string, record: MemberRecord): Uint8Array {
  const kind = record.status === 'left' ? 'left' : 'alive'
  return codec.encode([STATEMENT, cluster, record.id, kind, record.incarnation, record.name, record.roles, record.addresses])
}

/** Signs this node's own record with its libp2p key: the key its peer id is made from. */
export class MemberSigner {
  private readonly cluster: string
  private readonly key: SigningKey
  private readonly codec = new Codec()

  constructor (key: SigningKey, cluster: string) {
    this.key = key
    this.cluster = cluster
  }

  sign (record: MemberRecord): Uint8Array {
    return this.key.sign(statement(this.codec, this.cluster, record))
  }
}

/** How a record's proof was found. */
export type ProofCheck = 'proven' | 'missing' | 'forged'

/**
 * Checks members' proofs. A record repeats the same statement many times over (gossip, syncs), so the last proven
 * statement of each member is kept and a record that matches it costs a few comparisons instead of a verification.
 */
export class MemberProofs {
  private readonly cluster: string
  private readonly limit: number
  private readonly codec = new Codec()
  private readonly keys: PeerKeys
  /** the last statement proven for each member, by id, least recently used first */
  private readonly proven = new Map<string, MemberRecord>()

  /** `keys`: the node's peer keys; `limit`: members whose last proven statement is kept (a few times the cluster's size) */
  constructor (keys: PeerKeys, cluster: string, limit: number) {
    this.keys = keys
    this.cluster = cluster
    this.limit = limit
  }

  check (record: MemberRecord): ProofCheck {
    const proof = record.proof
    if (proof == null) { return 'missing' }
    const known = this.proven.get(record.id)
    if (known != null) {
      this.proven.delete(record.id)
      this.proven.set(record.id, known)
      if (sameStatement(known, record)) { return 'proven' }
    }
    if (!this.keys.verify(record.id, statement(this.codec, this.cluster, record), proof)) { return 'forged' }
    if (known == null || record.incarnation >= known.incarnation) { this.remember({ ...record, proof }) }
    return 'proven'
  }

  private remember (record: MemberRecord): void {
    this.proven.delete(record.id)
    this.proven.set(record.id, record)
    if (this.proven.size > this.limit) {
      const oldest = this.proven.keys().next().value
      if (oldest !== undefined) { this.proven.delete(oldest) }
    }
  }
}

function sameStatement (known: MemberRecord, record: MemberRecord): boolean {
  return (known.status === 'left') === (record.status === 'left') &&
    known.incarnation === record.incarnation &&
    known.name === record.name &&
    sameList(known.roles, record.roles) &&
    sameList(known.addresses, record.addresses) &&
    sameBytes(known.proof, record.proof)
}

function sameList (a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

function sameBytes (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a == null || b == null || a.byteLength !== b.byteLength) { return false }
  for (let i = 0; i < a.byteLength; i++) { if (a[i] !== b[i]) { return false } }
  return true
}
