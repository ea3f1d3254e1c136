import { expect } from 'aegir/chai'
import { createHost } from '../../src/node/create-host.ts'
import { FrameWriter } from '../../src/wire/frame-writer.ts'
import { FrameDecoder } from '../../src/wire/frames.ts'
import { eventually } from '../fixtures/nodes.ts'
import type { Host } from '../../src/node/create-host.ts'

const PROTOCOL = '/foundation/test/frames/1.0.0'

describe('frame writer', () => {
  let a: Host, b: Host
  const received: number[][] = []
  let chunks = 0

  before(async () => {
    const options = { cluster: 'frames', listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { enabled: false, interval: 1000 }, maxMessageSize: 1024 }
    a = await createHost(options)
    b = await createHost(options)
    await a.start()
    await b.start()
    await b.handle(PROTOCOL, (stream) => {
      const decoder = new FrameDecoder(1024)
      stream.addEventListener('message', (evt) => {
        chunks++
        for (const frame of decoder.push(evt.data)) { received.push([...frame]) }
      })
    })
  })
  after(async () => { await Promise.all([a.stop(), b.stop()]) })

  it('writes the frames of one turn in one stream write, in order', async () => {
    const stream = await a.dialProtocol(b.getMultiaddrs(), PROTOCOL)
    const writer = new FrameWriter(stream)
    for (let i = 0; i < 100; i++) { writer.write(new Uint8Array([i, i])) }
    await eventually(() => received.length === 100, 'b has every frame')
    expect(received).to.deep.equal(Array.from({ length: 100 }, (_, i) => [i, i]))
    expect(chunks).to.be.lessThan(5)
    await stream.close()
  })

  it('reports the frames a closing stream never wrote', async () => {
    const stream = await a.dialProtocol(b.getMultiaddrs(), PROTOCOL)
    let lost = 0
    const writer = new FrameWriter(stream, (count) => { lost += count })
    for (let i = 0; i < 3; i++) { writer.write(new Uint8Array([i])) }
    stream.abort(new Error('gone'))
    await eventually(() => lost === 3, 'the three queued frames are reported lost')
    expect(writer.writable).to.equal(false)
    expect(() => { writer.write(new Uint8Array([9])) }).to.throw()
  })
})
