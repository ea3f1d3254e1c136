// Named channels against bad input, on 3 real nodes over TCP formed once: an unknown channel, a latest-wins publish
// without a key, malformed frames written straight to a channel's protocol, stale latest-wins values, bad config.
import { expect } from 'aegir/chai'
import { pEvent } from 'p-event'
import { ConfigError } from '../../../src/config/errors.ts'
import { ChannelKeyRequiredError, ChannelUnknownError } from '../../../src/messaging/channels/errors.ts'
import { PubSubNotRunningError } from '../../../src/messaging/errors.ts'
import { channelProtocolName } from '../../../src/node/protocols.ts'
import { Codec } from '../../../src/wire/codec.ts'
import { encodeFrame } from '../../../src/wire/frames.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../../fixtures/nodes.ts'
import type { FoundationNode } from '../../../src/cluster/foundation-node.ts'
import type { ChannelInit } from '../../../src/messaging/channels/index.ts'
import type { StreamCloseEvent } from '@libp2p/interface'

const CHANNELS: Record<string, ChannelInit> = {
  events: {},
  state: { latestWins: true }
}

describe('named channels against bad input', function () {
  const nodes = new TestNodes()
  let a: FoundationNode, b: FoundationNode, c: FoundationNode

  before(async () => {
    [a, b, c] = await nodes.startMany(3, { clusterName: uniqueCluster('channels-bad'), messaging: { channels: CHANNELS } })
    await formed([a, b, c])
  })
  after(async () => { await nodes.stopAll() })

  /** What `node` gets on a topic of a channel, in order. */
  function listen (node: FoundationNode, channel: string, topic: string): Array<{ message: unknown, from: string }> {
    const list: Array<{ message: unknown, from: string }> = []
    node.channel(channel).subscribe(topic, (message, meta) => { list.push({ message, from: meta.from }) })
    return list
  }

  it('names the configured channels when asked for another, and refuses a latest-wins publish without a key', async () => {
    for (const name of ['nope', 'default']) {
      const err = (() => { try { a.channel(name) } catch (err) { return err } })() as ChannelUnknownError
      expect(err).to.be.instanceOf(ChannelUnknownError)
      expect(err.configured).to.deep.equal(Object.keys(CHANNELS))
      expect(err.message).to.include('"events", "state"')
    }
    const state = a.channel('state')
    const err = await state.publish('values', 1).then(() => undefined, (err: Error) => err)
    expect(err).to.be.instanceOf(ChannelKeyRequiredError).and.include({ channel: 'state', topic: 'values' })
    expect(() => { state.directPublish(b.id, 'values', 1) }).to.throw(ChannelKeyRequiredError)
    expect(() => { state.directPublish(b.id, 'values', 1, { key: '' }) }).to.throw(TypeError)
  })

  /** Opens a stream from `from` to `to` on a channel's protocol, writes `bytes` to it, and waits for it to close. */
  async function writeRaw (from: FoundationNode, to: FoundationNode, channel: string, bytes: Uint8Array): Promise<Error | undefined> {
    const stream = await from.host.dialProtocol(to.host.peerId, channelProtocolName(to.config.clusterName, channel), { signal: AbortSignal.timeout(5000) })
    const closed = pEvent(stream, 'close', { timeout: 5000 })
    stream.send(bytes)
    return (await closed as StreamCloseEvent).error
  }

  /** b gets `bytes` from a on a stream of a channel: the stream is reset and counted, and the channel works on */
  async function resetsAndGoesOn (channel: string, bytes: Uint8Array): Promise<void> {
    const atB = listen(b, channel, 'raw')
    const before = b.channel(channel).stats().invalidFrames
    const error = await writeRaw(a, b, channel, bytes)
    expect(error).to.be.instanceOf(Error)
    expect(b.channel(channel).stats().invalidFrames).to.equal(before + 1)
    await a.channel(channel).publish('raw', 'good', { key: 'k' })
    await eventually(() => atB.length === 1, 'b still gets good ones')
    expect(atB[0].message).to.equal('good')
  }

  const codec = new Codec()
  for (const [label, channel, bytes] of [
    ['garbage', 'events', encodeFrame(new Uint8Array([0x92, 0x01]))],
    ['a record that is not an array', 'events', encodeFrame(codec.encode({ topic: 'raw' }))],
    ['an empty topic', 'events', encodeFrame(codec.encode(['', 1]))],
    ['a latest-wins record on a plain channel', 'events', encodeFrame(codec.encode(['raw', 1, 'k', 1, 1]))],
    ['a plain record on a latest-wins channel', 'state', encodeFrame(codec.encode(['raw', 1]))],
    ['a negative sequence', 'state', encodeFrame(codec.encode(['raw', 1, 'k', 1, -1]))],
    ['an oversize frame', 'events', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f])]
  ] as const) {
    it(`resets a channel stream carrying ${label}, counts it, and goes on delivering`, async () => { await resetsAndGoesOn(channel, bytes) })
  }

  it('latest-wins: drops a value no newer than one delivered from its sender, and takes a restarted sender\'s', async () => {
    const atB = listen(b, 'state', 'order')
    const record = (value: string, epoch: number, sequence: number): Uint8Array => encodeFrame(codec.encode(['order', value, 'k', epoch, sequence]))
    const before = b.channel('state').stats().stale
    const stream = await c.host.dialProtocol(b.host.peerId, channelProtocolName(b.config.clusterName, 'state'), { signal: AbortSignal.timeout(5000) })
    stream.send(record('new', 5, 10))
    stream.send(record('older sequence', 5, 9))
    stream.send(record('same sequence', 5, 10))
    stream.send(record('older epoch', 4, 100))
    stream.send(record('restarted', 6, 1))
    await eventually(() => atB.length === 2, 'b delivered two')
    await stream.close()
    expect(atB.map(r => r.message)).to.deep.equal(['new', 'restarted'])
    expect(atB[0].from).to.equal(c.id)
    expect(b.channel('state').stats().stale).to.equal(before + 3)
  })

  it('refuses a publish on a stopped node, and counts nothing for it', async () => {
    const stopped = await nodes.start({ clusterName: uniqueCluster('channels-stopped'), name: 'stopped', messaging: { channels: CHANNELS } })
    await stopped.stop()
    const err = await stopped.channel('events').publish('late', 1).then(() => undefined, (err: Error) => err)
    expect(err).to.be.instanceOf(PubSubNotRunningError)
    expect(() => { stopped.channel('events').directPublish(a.id, 'late', 1) }).to.throw(PubSubNotRunningError)
    expect(stopped.channel('events').stats().published).to.equal(0)
  })

  it('refuses a bad messaging.channels at start, naming the field', async () => {
    for (const [field, channels] of [
      ['messaging.channels.bulk.parallelism', { bulk: { parallelism: 9 } }],
      ['messaging.channels.bulk.latestWins', { bulk: { latestWins: 'yes' } }],
      ['messaging.channels.bulk.compression', { bulk: { compression: 'brotli' } }],
      ['messaging.channels.bulk.maxQueuedBytes', { bulk: { maxQueuedBytes: 10 } }],
      ['messaging.channels.bulk.priority', { bulk: { priority: 'high' } }],
      ['messaging.channels.bulk.size', { bulk: { size: 1 } }],
      ['messaging.channels.default', { default: {} }],
      ['messaging.channels.two words', { 'two words': {} }],
      ['messaging.channels', ['bulk']]
    ] as const) {
      const err = await nodes.start({ clusterName: uniqueCluster('bad-channels'), messaging: { channels: channels as any } }).then(() => undefined, (err: Error) => err)
      expect(err, field).to.be.instanceOf(ConfigError).and.have.property('field', field)
    }
  })
})
