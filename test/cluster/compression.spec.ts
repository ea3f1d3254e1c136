import { deflateRawSync } from 'node:zlib'
import { peerIdFromString } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { protocolName } from '../../src/node/protocols.ts'
import { COMPRESSED_MARK } from '../../src/wire/compression/index.ts'
import { encodeFrame } from '../../src/wire/frames.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { Actor, ActorRef } from '../../src/actors/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { CompressionMode } from '../../src/wire/compression/index.ts'

class Echo implements Actor {
  receive (message: unknown): unknown { return message }
}

/** About 16 KiB of JSON-like records: what a service sends, and what compresses well. */
function order (seed: number): unknown {
  return Array.from({ length: 150 }, (_, i) => ({ id: seed * 1000 + i, sku: `sku-${(i * 7919) % 10007}`, price: (i * 37) % 1000 / 10, tags: ['red', 'green', 'blue'].slice(0, 1 + i % 3), stock: i % 2 === 0 }))
}

describe('compression between nodes', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()
  const byMode = new Map<string, FoundationNode>()
  const echoes = new Map<FoundationNode, ActorRef>()

  before(async () => {
    const clusterName = uniqueCluster()
    for (const mode of ['on', 'deflate', 'off', 'auto'] as CompressionMode[]) {
      byMode.set(mode, await nodes.start({ clusterName, name: mode, messaging: { compression: mode } }))
    }
    // a node on a Node.js without codecs: it offers and reads plain frames only
    byMode.set('none', await nodes.start({ clusterName, name: 'none', messaging: { compression: 'on' } }, undefined, { frameCodecs: [] }))
    await formed([...byMode.values()])
    for (const node of byMode.values()) { echoes.set(node, await node.spawn(Echo)) }
  })

  after(async () => { await nodes.stopAll() })

  it('every pair of settings exchanges large messages, each sender compressing only what its peer can inflate', async () => {
    const all = [...byMode.values()]
    for (const from of all) {
      for (const to of all) {
        if (from === to) { continue }
        const message = order(all.indexOf(from) * 10 + all.indexOf(to))
        expect(await from.call(echoes.get(to) as ActorRef, message)).to.deep.equal(message)
      }
    }
    const stats = (mode: string): FoundationNode['compression']['stats'] => (byMode.get(mode) as FoundationNode).compression.stats
    // 'on' and 'deflate' compress to the three peers with codecs: their calls, and their replies to those peers' calls
    expect(stats('on').compressedFrames).to.equal(6)
    expect(stats('deflate').compressedFrames).to.equal(6)
    for (const mode of ['on', 'deflate']) {
      expect(stats(mode).compressedBytesOut, mode).to.be.below(stats(mode).compressedBytesIn * 0.5)
    }
    // 'off' never compresses; 'auto' does not on loopback, whose round trip is far below 10 ms
    expect(stats('off').compressedFrames).to.equal(0)
    expect(stats('auto').compressedFrames).to.equal(0)
    // every node with codecs inflated what the two compressing nodes sent it; the node without got plain frames only
    for (const mode of ['off', 'auto']) { expect(stats(mode).inflatedFrames, mode).to.equal(4) }
    expect(stats('on').inflatedFrames).to.equal(2)
    expect(stats('deflate').inflatedFrames).to.equal(2)
    expect(stats('none')).to.include({ compressedFrames: 0, inflatedFrames: 0 })
    for (const node of all) { expect(node.messaging.stats.invalidFrames, node.name).to.equal(0) }
    // and the metrics say what it saved
    const text = await byMode.get('on')?.metrics?.text() ?? ''
    expect(text).to.include('foundation_compressed_frames_total{direction="out",outcome="compressed"} 6')
    expect(text).to.include(`foundation_compression_bytes_total{direction="out",stage="wire"} ${stats('on').compressedBytesOut}`)
  })

  const bomb = deflateRawSync(new Uint8Array(8 * 1024 * 1024), { level: 9 })
  for (const [label, payload] of [
    ['a codec it does not have', new Uint8Array([COMPRESSED_MARK, 7, 1, 2, 3])],
    ['a body that does not inflate', new Uint8Array([COMPRESSED_MARK, 1, 0xff, 0xff, 0xff])],
    ['a body that inflates past maxMessageSize', new Uint8Array([COMPRESSED_MARK, 1, ...bomb])]
  ] as const) {
    it(`resets a compressed stream carrying ${label}, counts it, and goes on serving`, async () => {
      const a = byMode.get('on') as FoundationNode
      const b = byMode.get('off') as FoundationNode
      const before = b.messaging.stats.invalidFrames
      const protocol = `${protocolName(b.config.clusterName, 'direct')}/deflate`
      const stream = await a.host.dialProtocol(peerIdFromString(b.id), protocol)
      stream.send(encodeFrame(payload))
      await stream.close().catch(() => {})
      await eventually(() => b.messaging.stats.invalidFrames === before + 1, 'the bad stream is counted')
      expect(await a.call(echoes.get(b) as ActorRef, 'still there?')).to.equal('still there?')
    })
  }
})
