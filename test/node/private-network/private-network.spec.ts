import { randomBytes } from 'node:crypto'
import { preSharedKey } from '@libp2p/pnet'
import { multiaddrConnectionPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { pEvent } from 'p-event'
import { preSharedKeyFrom } from '../../../src/config/secret.ts'
import { InvalidSwarmKeyError, NonceExchangeError, privateNetwork } from '../../../src/node/private-network/index.ts'
import { MAX_CHUNK_BYTES } from '../../../src/node/private-network/protected-connection.ts'
import type { ComponentLogger, ConnectionProtector, MultiaddrConnection } from '@libp2p/interface'

const swarmKey = (): Uint8Array => preSharedKeyFrom(randomBytes(24).toString('base64url'))
const logger: ComponentLogger = { forComponent: () => Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false, newScope: () => logger.forComponent('') }) as any }

function stockPnet (key: Uint8Array): ConnectionProtector {
  return (preSharedKey({ psk: key }) as (components: { logger: ComponentLogger }) => ConnectionProtector)({ logger })
}

/** Everything `connection` receives until `bytes` have arrived. */
async function receive (connection: MultiaddrConnection, bytes: number): Promise<Uint8Array> {
  const out = new Uint8Array(bytes)
  let offset = 0
  const onMessage = (evt: { data: Uint8Array | Iterable<Uint8Array> }): void => {
    for (const piece of evt.data instanceof Uint8Array ? [evt.data] : evt.data) {
      out.set(piece, offset)
      offset += piece.byteLength
    }
    if (offset >= bytes) { connection.dispatchEvent(new Event('received')) }
  }
  connection.addEventListener('message', onMessage)
  try {
    if (offset < bytes) { await pEvent(connection, 'received', { timeout: 30_000 }) }
  } finally {
    connection.removeEventListener('message', onMessage)
  }
  return out
}

describe('private network protector', () => {
  it('keeps the libp2p pnet wire format: our protector and the stock one talk both ways', async () => {
    const key = swarmKey()
    const [a, b] = multiaddrConnectionPair()
    const [ours, stock] = await Promise.all([privateNetwork({ swarmKey: key })().protect(a), stockPnet(key).protect(b)])
    const toStock = randomBytes(100_000)
    const toOurs = randomBytes(50_000)
    const receiving = Promise.all([receive(stock as MultiaddrConnection, toStock.byteLength), receive(ours as MultiaddrConnection, toOurs.byteLength)])
    ours.send(toStock)
    stock.send(toOurs)
    const [atStock, atOurs] = await receiving
    expect(Buffer.from(atStock).equals(toStock)).to.equal(true)
    expect(Buffer.from(atOurs).equals(toOurs)).to.equal(true)
  })

  it('encrypts a write of any size in bounded pieces, and the far end reads it whole', async () => {
    const key = swarmKey()
    const [a, b] = multiaddrConnectionPair()
    const [sender, receiver] = await Promise.all([privateNetwork({ swarmKey: key })().protect(a), privateNetwork({ swarmKey: key })().protect(b)])
    const sizes: number[] = []
    const send = a.send.bind(a)
    a.send = (data) => { sizes.push(data.byteLength); return send(data) }
    const payload = randomBytes(16 * 1024 * 1024)
    const receiving = receive(receiver as MultiaddrConnection, payload.byteLength)
    sender.send(payload)
    const received = await receiving
    expect(Buffer.from(received).equals(payload)).to.equal(true)
    expect(Math.max(...sizes)).to.be.at.most(MAX_CHUNK_BYTES)
  })

  it('does not read a peer with another key: its bytes come out as noise', async () => {
    const [a, b] = multiaddrConnectionPair()
    const [ours, theirs] = await Promise.all([privateNetwork({ swarmKey: swarmKey() })().protect(a), privateNetwork({ swarmKey: swarmKey() })().protect(b)])
    const message = new TextEncoder().encode('/multistream/1.0.0\n')
    const receiving = receive(theirs as MultiaddrConnection, message.byteLength)
    ours.send(message)
    const received = await receiving
    expect(Buffer.from(received).equals(Buffer.from(message))).to.equal(false)
  })

  it('fails with NonceExchangeError when the remote never sends its nonce', async () => {
    const [a] = multiaddrConnectionPair()
    const protecting = privateNetwork({ swarmKey: swarmKey() })().protect(a, { signal: AbortSignal.timeout(200) })
    await expect(protecting).to.eventually.be.rejectedWith(NonceExchangeError)
  })

  it('rejects a malformed swarm key with InvalidSwarmKeyError', () => {
    const text = (s: string): Uint8Array => new TextEncoder().encode(s)
    expect(() => privateNetwork({ swarmKey: text('not a key') })).to.throw(InvalidSwarmKeyError, /starts with/)
    expect(() => privateNetwork({ swarmKey: text('/key/swarm/psk/1.0.0/\n/base64/\nAAAA') })).to.throw(InvalidSwarmKeyError, /base16/)
    expect(() => privateNetwork({ swarmKey: text('/key/swarm/psk/1.0.0/\n/base16/\nabc') })).to.throw(InvalidSwarmKeyError, /64 hex digits/)
  })
})
