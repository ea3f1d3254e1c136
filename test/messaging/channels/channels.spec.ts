// Named channels on 3 real nodes over TCP, formed once: Phoenix.PubSub's operations on a channel, order per key under a
// burst on 4 streams, latest-wins against a stalled stream, and a control channel beside a saturated bulk one.
import { expect } from 'aegir/chai'
import { QUIET_AFTER, YIELDING_WINDOW } from '../../../src/messaging/channels/channel-priority.ts'
import { channelProtocolName } from '../../../src/node/protocols.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../../fixtures/nodes.ts'
import type { FoundationNode } from '../../../src/cluster/foundation-node.ts'
import type { ChannelInit } from '../../../src/messaging/channels/index.ts'
import type { PublicationMeta } from '../../../src/messaging/pubsub/index.ts'
import type { Stream } from '@libp2p/interface'

const CHANNELS: Record<string, ChannelInit> = {
  events: {},
  ordered: { parallelism: 4 },
  state: { latestWins: true },
  control: {},
  bulk: { maxQueuedBytes: 16 * 1024 * 1024 },
  zipped: { compression: 'on' },
  background: { priority: 'low' }
}

function median (values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[Math.floor(sorted.length / 2)]
}

interface Received {
  message: unknown
  meta: PublicationMeta
}

describe('named channels', function () {
  const nodes = new TestNodes()
  let a: FoundationNode, b: FoundationNode, c: FoundationNode

  before(async () => {
    [a, b, c] = await nodes.startMany(3, { clusterName: uniqueCluster('channels'), messaging: { channels: CHANNELS } })
    await formed([a, b, c])
  })
  after(async () => { await nodes.stopAll() })

  /** Subscribes `node` to a topic of a channel; what it gets lands in the list returned. */
  function listen (node: FoundationNode, channel: string, topic: string): Received[] {
    const list: Received[] = []
    node.channel(channel).subscribe(topic, (message, meta) => { list.push({ message, meta }) })
    return list
  }

  /** Lets whatever is still on its way arrive, so that an absence means something. */
  async function settle (): Promise<void> {
    await new Promise(resolve => setTimeout(resolve, 200))
  }

  it('publish reaches every subscriber on every node once, the publisher\'s own included', async () => {
    const lists = [a, b, c].map(node => listen(node, 'events', 'all'))
    const second = listen(b, 'events', 'all')
    for (let i = 0; i < 20; i++) { await a.channel('events').publish('all', { n: i }) }
    await eventually(() => [...lists, second].every(list => list.length >= 20), 'every subscriber has 20')
    await settle()
    for (const [i, list] of [...lists, second].entries()) {
      expect(list.map(r => (r.message as { n: number }).n), `subscriber ${i}`).to.deep.equal(Array.from({ length: 20 }, (_, n) => n))
    }
    expect(lists[0][0].meta).to.deep.equal({ topic: 'all', from: a.id, local: true })
    expect(lists[1][0].meta).to.deep.equal({ topic: 'all', from: a.id, local: false })
    const stats = a.channel('events').stats()
    expect(stats).to.include({ published: 20, messagesOut: 40, dropped: 0, replaced: 0, lost: 0 })
    // the other channels saw none of it
    expect(a.channel('ordered').stats().messagesOut).to.equal(0)
    const metrics = await a.metrics?.text()
    expect(metrics).to.include('foundation_channel_messages_total{channel="events",direction="out"} 40')
    expect(metrics).to.include('foundation_channel_dropped_total{channel="state",reason="replaced"} 0')
  })

  it('compresses a channel set to, large publications only, and every node inflates them', async () => {
    const lists = [b, c].map(node => listen(node, 'zipped', 'orders'))
    const large = Array.from({ length: 100 }, (_, i) => ({ id: i, sku: `sku-${(i * 7919) % 10007}`, state: ['new', 'paid', 'shipped'][i % 3] }))
    const before = { ...a.compression.stats }
    const inflatedAtB = b.compression.stats.inflatedFrames
    await a.channel('zipped').publish('orders', large)
    await a.channel('zipped').publish('orders', 'small')
    // 'events' keeps messaging.compression's 'auto', which leaves loopback plain
    await a.channel('events').publish('orders', large)
    await eventually(() => lists.every(list => list.length === 2), 'b and c have both publications')
    for (const list of lists) { expect(list.map(r => r.message)).to.deep.equal([large, 'small']) }
    expect(a.compression.stats.compressedFrames - before.compressedFrames, 'one compressed copy per peer').to.equal(2)
    expect(a.compression.stats.compressedBytesOut - before.compressedBytesOut).to.be.below((a.compression.stats.compressedBytesIn - before.compressedBytesIn) / 2)
    expect(b.compression.stats.inflatedFrames - inflatedAtB).to.equal(1)
  })

  it('publishFrom skips the sender, localPublish stays local, directPublish reaches one node', async () => {
    const ownGot: unknown[] = []
    const sender = a.channel('events').subscribe('mixed', (message) => { ownGot.push(message) })
    const other = listen(a, 'events', 'mixed')
    const atB = listen(b, 'events', 'mixed')
    const atC = listen(c, 'events', 'mixed')
    await a.channel('events').publishFrom(sender, 'mixed', 'from')
    a.channel('events').localPublish('mixed', 'local')
    a.channel('events').directPublish(c.id, 'mixed', 'direct')
    a.channel('events').directPublish(a.id, 'mixed', 'to self')
    await eventually(() => atB.length === 1 && atC.length === 2, 'b and c got theirs')
    await settle()
    expect(ownGot).to.deep.equal(['local', 'to self'])
    expect(other.map(r => r.message)).to.deep.equal(['from', 'local', 'to self'])
    expect(atB.map(r => r.message)).to.deep.equal(['from'])
    expect(atC.map(r => r.message)).to.deep.equal(['from', 'direct'])
    expect(a.channel('events').topics()).to.include('mixed')
  })

  it('unsubscribe stops delivery, and a node without subscribers counts what it drops', async () => {
    const atB = listen(b, 'events', 'gone')
    const atC = listen(c, 'events', 'gone')
    b.channel('events').unsubscribe('gone')
    const before = b.channel('events').stats().unsubscribed
    await a.channel('events').publish('gone', 1)
    await eventually(() => atC.length === 1 && b.channel('events').stats().unsubscribed === before + 1, 'c got it, b dropped it')
    expect(atB).to.deep.equal([])
  })

  it('keeps the order of each key under a burst of 1,000 on 4 streams, on every receiver', async () => {
    const KEYS = 10
    const PER_KEY = 100
    const lists = [b, c].map(node => listen(node, 'ordered', 'burst'))
    const channel = a.channel('ordered')
    // interleaved: key 0, 1, ..., 9, 0, 1, ... all in one turn, so they leave together
    for (let i = 0; i < KEYS * PER_KEY; i++) {
      const key = `k${i % KEYS}`
      void channel.publish('burst', { key, n: Math.floor(i / KEYS) }, { key })
    }
    await eventually(() => lists.every(list => list.length === KEYS * PER_KEY), () => `received ${lists.map(l => l.length).join(', ')}`)
    for (const list of lists) {
      const byKey = new Map<string, number[]>()
      for (const { message } of list) {
        const { key, n } = message as { key: string, n: number }
        byKey.set(key, [...(byKey.get(key) ?? []), n])
      }
      expect(byKey.size).to.equal(KEYS)
      for (const [key, ns] of byKey) { expect(ns, key).to.deep.equal(Array.from({ length: PER_KEY }, (_, n) => n)) }
    }
    // the keys went over more than one stream to each peer
    expect(channelStreams(a, b, 'ordered', 'outbound').length).to.be.at.least(2)
  })

  /** A channel's streams between `node` and `peer` as `node` sees them: those `peer` opened (inbound) or it opened. */
  function channelStreams (node: FoundationNode, peer: FoundationNode, channel: string, direction: 'inbound' | 'outbound'): Stream[] {
    const protocol = channelProtocolName(node.config.clusterName, channel)
    return node.host.getConnections(peer.host.peerId).flatMap(conn => conn.streams).filter(s => s.protocol?.startsWith(protocol) === true && s.direction === direction)
  }

  it('narrows a low-priority channel\'s window while a normal channel carries frames from the same peer, and gives it back once they are quiet', async () => {
    // what yamux lets the sender of a stream have in flight: the receiving stream's window
    const windowOf = (stream: Stream): number => (stream as unknown as { recvWindow: number }).recvWindow
    const windows = (node: FoundationNode, peer: FoundationNode, channel: string): number[] => channelStreams(node, peer, channel, 'inbound').map(windowOf)
    const [atB, atC] = [listen(b, 'background', 'rows'), listen(c, 'background', 'rows')]
    // the control channel has been quiet for a while (earlier tests): the background streams open with a full window
    await new Promise(resolve => setTimeout(resolve, QUIET_AFTER))
    a.channel('background').directPublish(b.id, 'rows', 1)
    a.channel('background').directPublish(c.id, 'rows', 1)
    await eventually(() => atB.length === 1 && atC.length === 1, 'the background streams are open')
    const full = windows(b, a, 'background')
    expect(full).to.have.lengthOf(1)
    expect(full[0]).to.be.above(YIELDING_WINDOW)
    // a publication on a normal channel from a: b's background stream from a narrows, at once
    a.channel('control').directPublish(b.id, 'nobody-listens', 1)
    await eventually(() => windows(b, a, 'background')[0] === YIELDING_WINDOW, 'the background window narrows')
    expect(windows(b, a, 'control')[0], 'the control stream keeps its window').to.equal(full[0])
    expect(windows(c, a, 'background')[0], 'c heard nothing on a normal channel from a').to.equal(full[0])
    // another background frame while the control channel was busy moments ago: still narrow
    a.channel('background').directPublish(b.id, 'rows', 2)
    await eventually(() => atB.length === 2, 'the second background publication arrives')
    expect(windows(b, a, 'background')[0]).to.equal(YIELDING_WINDOW)
    // the control channel quiet for QUIET_AFTER: the next background frame gets the full window back
    await new Promise(resolve => setTimeout(resolve, QUIET_AFTER + 100))
    a.channel('background').directPublish(b.id, 'rows', 3)
    await eventually(() => atB.length === 3, 'the third background publication arrives')
    expect(windows(b, a, 'background')[0]).to.equal(full[0])
  })

  it('latest-wins: a stalled receiver gets the newest value of each key, never an older one after a newer', async () => {
    const KEYS = 5
    const ROUNDS = 400
    const filler = 'x'.repeat(2 * 1024)
    const atB = listen(b, 'state', 'values')
    const atC = listen(c, 'state', 'values')
    const channel = a.channel('state')
    // round -1 opens the streams
    for (let k = 0; k < KEYS; k++) { await channel.publish('values', { key: `k${k}`, round: -1, filler }, { key: `k${k}` }) }
    await eventually(() => atB.length === KEYS && channelStreams(b, a, 'state', 'inbound').length > 0, 'b has round -1')
    const stalled = channelStreams(b, a, 'state', 'inbound')
    for (const stream of stalled) { stream.pause() }
    const before = channel.stats()
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < KEYS; k++) { await channel.publish('values', { key: `k${k}`, round, filler }, { key: `k${k}` }) }
      // a turn between rounds: each is offered to the streams on its own
      await new Promise(resolve => setImmediate(resolve))
    }
    await eventually(() => atC.length === KEYS * (ROUNDS + 1), 'c has every value')
    for (const stream of stalled) { stream.resume() }
    const newest = (list: Received[], key: string): number => Math.max(...list.map(r => r.message as { key: string, round: number }).filter(m => m.key === key).map(m => m.round))
    await eventually(() => Array.from({ length: KEYS }, (_, k) => newest(atB, `k${k}`)).every(round => round === ROUNDS - 1), 'b has the last round of every key')
    await settle()
    const stats = channel.stats()
    for (const list of [atB, atC]) {
      for (let k = 0; k < KEYS; k++) {
        const rounds = list.map(r => r.message as { key: string, round: number }).filter(m => m.key === `k${k}`).map(m => m.round)
        expect(rounds.every((round, i) => i === 0 || round > rounds[i - 1]), `k${k}: ${rounds.join(' ')}`).to.equal(true)
      }
    }
    // c, never stalled, got every value; b a fraction (what the muxer's window let through before the stall told),
    // the rest replaced in its queue while its stream was stalled
    expect(atC).to.have.lengthOf(KEYS * (ROUNDS + 1))
    expect(atB.length - KEYS, `b got ${atB.length} of ${KEYS * (ROUNDS + 1)}`).to.be.below(KEYS * ROUNDS / 3)
    expect(stats.replaced - before.replaced).to.be.above(KEYS * ROUNDS / 2)
    expect(stats).to.include({ dropped: 0, lost: 0 })
    expect(stats.queuedBytes).to.equal(0)
  })

  it('keeps a control channel\'s round trip low while a bulk channel is saturated, unlike the bulk channel\'s own', async function () {
    const ROUND_TRIPS = 15
    const BACKLOG = 8 * 1024 * 1024
    const row = new Uint8Array(64 * 1024).fill(7)
    const [pinger, ponger] = [a, b]
    ponger.channel('bulk').subscribe('rows', () => {})
    // b answers every ping on the channel it came on; a times each round trip
    const answered = new Map<number, () => void>()
    for (const name of ['control', 'bulk']) {
      ponger.channel(name).subscribe<number>('ping', (n) => { ponger.channel(name).directPublish(pinger.id, 'pong', n) })
      pinger.channel(name).subscribe<number>('pong', (n) => { answered.get(n)?.() })
    }
    let seq = 0
    const roundTrips = async (name: string): Promise<number[]> => {
      const times: number[] = []
      for (let i = 0; i < ROUND_TRIPS; i++) {
        const n = seq++
        const started = performance.now()
        await new Promise<void>(resolve => {
          answered.set(n, resolve)
          pinger.channel(name).directPublish(ponger.id, 'ping', n)
        })
        times.push(performance.now() - started)
      }
      return times
    }
    const bulk = pinger.channel('bulk')
    const saturating = new AbortController()
    // publishes as fast as the queue takes: topped up to the backlog each turn
    // what the bulk stream was handed and has not sent: bounded by the channel, not left to grow with the backlog
    let mostUnsent = 0
    const unsent = (): number => channelStreams(pinger, ponger, 'bulk', 'outbound').reduce((sum, stream) => sum + stream.writeBufferLength, 0)
    const saturate = (async () => {
      while (!saturating.signal.aborted) {
        while (bulk.stats().queuedBytes < BACKLOG) { bulk.directPublish(ponger.id, 'rows', row) }
        mostUnsent = Math.max(mostUnsent, unsent())
        await new Promise(resolve => setImmediate(resolve))
      }
    })()
    try {
      await eventually(() => bulk.stats().messagesOut > 200, 'the bulk channel is flowing')
      const control = await roundTrips('control')
      const onBulk = await roundTrips('bulk')
      expect(median(control) * 4, `control ${control.map(Math.round).join(' ')} ms, on the bulk channel ${onBulk.map(Math.round).join(' ')} ms`).to.be.below(median(onBulk))
    } finally {
      saturating.abort()
      await saturate
    }
    await eventually(() => bulk.stats().queuedBytes === 0, 'the bulk channel drained')
    expect(bulk.stats().dropped).to.equal(0)
    expect(mostUnsent).to.be.below(2 * 1024 * 1024)
  })
})
