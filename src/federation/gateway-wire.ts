// What a sender asks of a gateway's `$gateway` endpoint: forward a send or a call into another cluster, or say
// whether it reaches that cluster now. Checked on arrival: a malformed request is refused, never forwarded.
import { isActorRef } from '../actors/ref.ts'
import { InvalidGatewayRequestError } from './errors.ts'
import type { Target } from '../cluster/index.ts'

/** the gateway endpoint's id among the node's system endpoints */
export const GATEWAY_ENDPOINT = '$gateway'

const SEND = 0
const CALL = 1
const PROBE = 2

export type GatewayRequest =
  | { kind: 'send', cluster: string, target: Target, message: unknown }
  | { kind: 'call', cluster: string, target: Target, message: unknown, timeout: number }
  | { kind: 'probe', cluster: string }

export function encodeGatewayRequest (request: GatewayRequest): unknown[] {
  switch (request.kind) {
    case 'send': return [SEND, request.cluster, request.target, request.message]
    case 'call': return [CALL, request.cluster, request.target, request.message, request.timeout]
    default: return [PROBE, request.cluster]
  }
}

/** InvalidGatewayRequestError when `body` is not a request this version sends. */
export function decodeGatewayRequest (body: unknown): GatewayRequest {
  if (!Array.isArray(body) || typeof body[1] !== 'string') { throw new InvalidGatewayRequestError('not [kind, cluster, ...]') }
  const [kind, cluster, target, message, timeout] = body as [unknown, string, unknown, unknown, unknown]
  if (kind === PROBE && body.length === 2) { return { kind: 'probe', cluster } }
  if (typeof target !== 'string' && !isActorRef(target)) { throw new InvalidGatewayRequestError('the target is neither a name nor an actor ref') }
  if (kind === SEND && body.length === 4) { return { kind: 'send', cluster, target, message } }
  if (kind === CALL && body.length === 5 && typeof timeout === 'number' && timeout > 0) { return { kind: 'call', cluster, target, message, timeout } }
  throw new InvalidGatewayRequestError(`unknown kind ${String(kind)} or wrong length ${body.length}`)
}
