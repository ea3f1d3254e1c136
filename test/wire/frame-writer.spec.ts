import { tcp } from '@libp2p/tcp'
import { expect } from 'aegir/chai'
import { shapedTransports } from '../../benchmarks/lib/shaped-transports.ts'
import { createHost } from '../../src/node/create-host.ts'
import { FrameWriter, MAX_WRITE_BYTES } from '../../src/wire/frame-writer.ts'
import { FrameDecoder } from '../../src/wire/frames.ts'
import { eventually } from '../fixtures/nodes.ts'
import type { Host } from '../../src/node/create-host.ts'

const PROTOCOL = '/foundation/test/frames/1.0.0'
const LARGE = '/foundation/test/large-frames/1.0.0'
const LARGE_FRAME_LIMIT = 1 << 20

describe('frame writer', () => {
  let a: Host, b: Host
  const received: number[][] = []
  let chunks = 0
  /** what the large-frame protocol received: each frame's length and first byte */
  const large: Array<[number, number]> = []

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
    await b.handle(LARGE, (stream) => {
      const decoder = new FrameDecoder(LARGE_FRAME_LIMIT)
      stream.addEventListener('message', (evt) => {
        for (const frame of decoder.push(evt.data)) { large.push([frame.byteLength, frame[0]]) }
      })
    })
  })
  after(async () => { await Promise.all([a.stop(), b.stop()]) })

  it('keeps the backlog for a slow link in its own queue, counted, not in the stream\'s buffer', async () => {
    // a link slower than the writer: the muxer's window opens a little at a time, and each update is a 'drain'
    const options = { cluster: 'frames-slow', listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { enabled: false, interval: 1000 }, maxMessageSize: LARGE_FRAME_LIMIT }
    const shape = { oneWayDelayMs: 1, bytesPerSecond: 20 * 1024 * 1024 }
    const sender = await createHost({ ...options, transports: shapedTransports([tcp()], shape) })
    const reader = await createHost({ ...options, transports: shapedTransports([tcp()], shape) })
    try {
      await Promise.all([sender.start(), reader.start()])
      let frames = 0
      await reader.handle(PROTOCOL, (stream) => {
        const decoder = new FrameDecoder(LARGE_FRAME_LIMIT)
        stream.addEventListener('message', (evt) => { frames += decoder.push(evt.data).length })
      })
      const stream = await sender.dialProtocol(reader.getMultiaddrs(), PROTOCOL)
      const writer = new FrameWriter(stream)
      const total = 48 * 1024
      for (let i = 0; i < total; i++) { writer.write(new Uint8Array(1024).fill(i % 256)) }
      let largest = 0
      const deadline = Date.now() + 20_000
      const read = (): number => frames
      while (read() < total && Date.now() < deadline) {
        largest = Math.max(largest, stream.writeBufferLength)
        await new Promise(resolve => setTimeout(resolve, 2))
      }
      expect(frames).to.equal(total)
      // a batch waits for the stream's buffer to drain below one write: what it held, and one batch more
      expect(largest).to.be.at.most(2 * MAX_WRITE_BYTES)
      expect(writer.queuedBytes).to.equal(0)
    } finally {
      await Promise.all([sender.stop(), reader.stop()])
    }
  })

  it('writes the frames of one turn in one stream write, in order', async () => {
    const stream = await a.dialProtocol(b.getMultiaddrs(), PROTOCOL)
    const writer = new FrameWriter(stream)
    for (let i = 0; i < 100; i++) { writer.write(new Uint8Array([i, i])) }
    await eventually(() => received.length === 100, 'b has every frame')
    expect(received).to.deep.equal(Array.from({ length: 100 }, (_, i) => [i, i]))
    expect(chunks).to.be.lessThan(5)
    await stream.close()
  })

  it('writes a backlog in writes of at most MAX_WRITE_BYTES, a frame larger than that in pieces read back whole', async () => {
    const stream = await a.dialProtocol(b.getMultiaddrs(), LARGE)
    const writes: number[] = []
    const send = stream.send.bind(stream)
    stream.send = (data) => { writes.push(data.byteLength); return send(data) }
    const writer = new FrameWriter(stream)
    // 4 MiB of 1 KiB frames queued in one turn, one frame of 600 KiB among them, then more small ones
    const frames: Uint8Array[] = []
    for (let i = 0; i < 4096; i++) { frames.push(new Uint8Array(1024).fill(i % 256)) }
    frames.splice(2000, 0, new Uint8Array(600 * 1024).fill(77))
    for (const frame of frames) { writer.write(frame) }
    await eventually(() => large.length === frames.length, 'b has every frame', 30_000)
    expect(large).to.deep.equal(frames.map(f => [f.byteLength, f[0]]))
    expect(Math.max(...writes)).to.be.at.most(MAX_WRITE_BYTES)
    const total = writes.reduce((sum, w) => sum + w, 0)
    expect(writes.length).to.be.at.least(Math.ceil(total / MAX_WRITE_BYTES))
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
