// The libp2p pnet v1 key file: `/key/swarm/psk/1.0.0/`, `/base16/`, then the 32-byte key as 64 hex digits.
import { InvalidSwarmKeyError } from './errors.ts'
import { KEY_LENGTH } from './keystream.ts'

const HEADER = '/key/swarm/psk/1.0.0/'
const ENCODING = '/base16/'

/** The key bytes of a swarm key file (its text as bytes, as `preSharedKey` of `@libp2p/pnet` takes it). */
export function decodeSwarmKey (file: Uint8Array): Uint8Array {
  const [header, encoding, hex] = new TextDecoder().decode(file).split(/\r\n|\r|\n/)
  if (header !== HEADER) { throw new InvalidSwarmKeyError(`a swarm key starts with ${HEADER}`) }
  if (encoding !== ENCODING) { throw new InvalidSwarmKeyError(`only ${ENCODING} swarm keys are supported`) }
  if (hex == null || !new RegExp(`^[0-9a-fA-F]{${KEY_LENGTH * 2}}$`).test(hex)) {
    throw new InvalidSwarmKeyError(`a swarm key's third line is ${KEY_LENGTH * 2} hex digits`)
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'))
}
