// A stream opened on a connection whose transport begins to close in the same turn must not crash the process: yamux
// opens a stream with a window update sent from a microtask, which throws once the transport no longer takes writes.
import { yamux } from '@chainsafe/libp2p-yamux'
import { multiaddrConnectionPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { guardedYamux } from '../../src/node/guarded-yamux.ts'
import type { Stream, StreamMuxerFactory } from '@libp2p/interface'

/** Errors thrown outside any promise while `run` and the microtasks after it ran. */
async function uncaughtDuring (run: () => void): Promise<Error[]> {
  const seen: Error[] = []
  const listeners = process.listeners('uncaughtException')
  process.removeAllListeners('uncaughtException')
  const record = (err: Error): void => { seen.push(err) }
  process.on('uncaughtException', record)
  try {
    run()
    await new Promise(resolve => setTimeout(resolve, 50))
  } finally {
    process.off('uncaughtException', record)
    for (const listener of listeners) { process.on('uncaughtException', listener) }
  }
  return seen
}

/** Opens a stream, then closes the transport gracefully before the stream's first frame goes out. */
async function openThenCloseTransport (factory: StreamMuxerFactory): Promise<{ errors: Error[], stream?: Stream }> {
  const [outbound] = multiaddrConnectionPair()
  const muxer = factory.createStreamMuxer(outbound)
  let stream: Stream | undefined
  const errors = await uncaughtDuring(() => {
    void muxer.createStream().then(s => { stream = s }, () => {})
    void outbound.close().catch(() => {})
  })
  return { errors, stream }
}

describe('guarded yamux', () => {
  it('plain yamux throws from its microtask when the transport begins to close right after a stream opens', async () => {
    const { errors } = await openThenCloseTransport(yamux()())
    expect(errors.map(e => e.name)).to.include('StreamStateError')
  })

  it('the guarded muxer aborts that stream instead', async () => {
    const { errors, stream } = await openThenCloseTransport(guardedYamux()())
    expect(errors).to.deep.equal([])
    expect(stream?.status).to.equal('aborted')
  })
})
