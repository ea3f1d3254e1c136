// Errors across nodes: sent as their name and message, rebuilt on the caller's side as the same named class.
import { ActorHandlerError, ActorNotFoundError, ActorStoppedError } from '../../actors/errors.ts'
import { ClusterUnknownError, ClusterUnreachableError, NameNotFoundError } from '../../federation/errors.ts'

/** [name, message, the handler's own error name when name is ActorHandlerError] */
export type WireError = [name: string, message: string, handlerErrorName?: string]

export function toWireError (err: unknown): WireError {
  if (err instanceof ActorHandlerError) { return [err.name, err.message, err.remoteName] }
  if (err instanceof Error) { return [err.name, err.message] }
  return ['Error', String(err)]
}

export function isWireError (value: unknown): value is WireError {
  return Array.isArray(value) && (value.length === 2 || value.length === 3) &&
    value.every(part => typeof part === 'string')
}

export function fromWireError ([name, message, handlerErrorName]: WireError): Error {
  switch (name) {
    case ActorHandlerError.name: return new ActorHandlerError(handlerErrorName ?? 'Error', message)
    case ActorNotFoundError.name: return Object.assign(new ActorNotFoundError(''), { message })
    case ActorStoppedError.name: return Object.assign(new ActorStoppedError(''), { message })
    // a gateway's answers: the sender fills their fields in again, knowing the cluster and the target
    case ClusterUnknownError.name: return Object.assign(new ClusterUnknownError(''), { message })
    case ClusterUnreachableError.name: return Object.assign(new ClusterUnreachableError('', []), { message })
    case NameNotFoundError.name: return Object.assign(new NameNotFoundError('', ''), { message })
    default: {
      const err = new Error(message)
      err.name = name
      return err
    }
  }
}
