// The client-server shape's wire messages, and the validator every decoded message passes before the core sees it.
import { messageFields } from '../message-fields.ts'

/** Asks the receiver to link: a client to a server, or a server to another. */
export interface LinkMessage { type: 'link' }
/** The receiver took the link. */
export interface LinkedMessage { type: 'linked' }
/** The sender drops the link, or refuses one: the receiver does not ask again for a while. */
export interface UnlinkMessage { type: 'unlink' }

export type ClientServerMessage = LinkMessage | LinkedMessage | UnlinkMessage

export interface ClientServerOutbound { to: string, message: ClientServerMessage }

/** a peer id is ~52 characters, as in HyParView */
const ID_LENGTH = 128

const fields = messageFields('client-server', ID_LENGTH)
// annotated, so that the compiler narrows types after a call that never returns
const fail: (field: string, problem: string) => never = fields.fail

/** Returns a clean copy of a decoded message, or throws MalformedFrameError naming the bad field. */
export function validateClientServerMessage (value: unknown): ClientServerMessage {
  const m = fields.record(value, 'message')
  switch (m.type) {
    case 'link':
    case 'linked':
    case 'unlink':
      return { type: m.type }
    default:
      fail('type', 'is not a known message type')
  }
}
