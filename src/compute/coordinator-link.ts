// What a map-reduce job needs of the node that coordinates it: calls to the members' '$compute' endpoints, the
// members it may offer the job to, and how chunks travel.
import type { ComputeMessage } from './compute-wire.ts'
import type { Logger } from '@libp2p/interface'

export interface CoordinatorLink {
  self: string
  log: Logger
  /** a call to a member's '$compute' endpoint; this node's own is answered in-process */
  call(node: string, message: ComputeMessage, options: { timeout: number, signal: AbortSignal }): Promise<unknown>
  send(node: string, message: ComputeMessage): void
  /** the active members with every one of these roles, this node included */
  candidates(roles: string[]): string[]
  isActive(node: string): boolean
  /** how long a member has to answer an offer */
  offerTimeout: number
  /** items as they travel */
  encode(items: unknown[]): Uint8Array
  /** the most bytes a chunk's encoded items may take */
  maxChunkBytes: number
}
