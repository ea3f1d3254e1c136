// A node's load report: what a member accepts of one from the network, which changes are news worth telling every
// member, and the uptime it reads for a member (as of now, not as of the report).
import { generateKeyPair } from '@libp2p/crypto/keys'
import { logger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { changed, totalLoad, validateReport } from '../../src/cluster/load-report.ts'
import { MAX_LOAD_MESSAGE, NodeLoadGossip } from '../../src/cluster/node-load.ts'
import { nodeKeys } from '../../src/node/node-keys.ts'
import { nodeKeyCrypto } from '../../src/platform/node/node-crypto.ts'
import { MalformedFrameError } from '../../src/wire/errors.ts'
import type { NodeLoad } from '../../src/cluster/load-report.ts'
import type { Host } from '../../src/node/create-host.ts'

const BASE = { processes: 3, messageRate: 10 }
/** every field a report can carry, each at the largest a node could tell */
const FULL = { processes: 2 ** 40, messageRate: 123_456.789, cpu: 0.123456789, eventLoopLag: 86_400_000, heap: 0.987654321, mailbox: 2 ** 40, uptime: 10 * 365 * 86_400_000, names: 2 ** 40, groups: { epoch: 2 ** 40, seq: 2 ** 40 } }

/** Two pub/subs of one topic: what one publishes, the other hears as gossipsub tells it. */
class LinkedPubSub extends EventTarget {
  peer: LinkedPubSub | undefined
  lastBytes = 0
  subscribe (): void {}
  unsubscribe (): void {}
  async publish (topic: string, data: Uint8Array): Promise<void> {
    this.lastBytes = data.byteLength
    this.peer?.dispatchEvent(new CustomEvent('gossipsub:message', { detail: { msg: { topic, data }, propagationSource: this.self, msgId: '' } }))
  }

  constructor (readonly self: unknown) { super() }
}

async function gossip (local: () => NodeLoad): Promise<{ load: NodeLoadGossip, pubsub: LinkedPubSub, id: string }> {
  const key = await generateKeyPair('Ed25519')
  const peerId = peerIdFromPrivateKey(key)
  const pubsub = new LinkedPubSub(peerId)
  const host = { peerId, services: { pubsub } } as unknown as Host
  const load = new NodeLoadGossip({ host, keys: nodeKeys(key, nodeKeyCrypto()), log: logger('test:node-load'), local }, { cluster: 'load' })
  return { load, pubsub, id: peerId.toString() }
}

describe('node load', () => {
  describe('validateReport', () => {
    it('takes a report with every measure, and one with none', () => {
      const full = { ...BASE, cpu: 0.5, eventLoopLag: 12, heap: 0.25, mailbox: 40, uptime: 60_000 }
      expect(validateReport(full)).to.deep.equal(full)
      expect(validateReport({ ...BASE, cpu: 0, heap: 1, eventLoopLag: 0, mailbox: 0, uptime: 0 }), 'the bounds').to.include({ cpu: 0, heap: 1 })
      expect(validateReport(BASE), 'a node that does not measure').to.deep.equal(BASE)
      expect(validateReport({ ...BASE, cpu: null, mailbox: null }), 'nil counts as absent').to.deep.equal(BASE)
      expect(validateReport({ ...BASE, unreachable: ['ai', 'analytics'] }), 'a gateway\'s clusters out of reach').to.deep.equal({ ...BASE, unreachable: ['ai', 'analytics'] })
    })

    const malformed: Array<[field: string, values: unknown[]]> = [
      ['cpu', [1.01, -0.1, 4, Infinity, NaN, '0.5', {}]],
      ['heap', [1.5, -0.01, Infinity, NaN, '0.5', true]],
      ['eventLoopLag', [-1, Infinity, NaN, '12', []]],
      ['mailbox', [-1, 1.5, 2 ** 64, Infinity, '3']],
      ['uptime', [-1, Infinity, NaN, '1000', {}]],
      ['unreachable', ['ai', [1], ['two words'], [''], Array.from({ length: 17 }, (_, i) => `c${i}`), {}]]
    ]
    for (const [field, values] of malformed) {
      it(`rejects a malformed ${field}, naming it`, () => {
        for (const value of values) {
          expect(() => validateReport({ ...BASE, [field]: value }), `${field}: ${String(value)}`).to.throw(MalformedFrameError, field)
        }
      })
    }
  })

  describe('changed', () => {
    const last = { ...BASE, cpu: 0.3, heap: 0.5, eventLoopLag: 30, mailbox: 40, uptime: 10_000 }

    it('tells a gateway\'s clusters out of reach once they change', () => {
      expect(changed(last, { ...last, unreachable: ['ai'] })).to.equal(true)
      expect(changed({ ...last, unreachable: ['ai'] }, { ...last, unreachable: ['ai'] })).to.equal(false)
      expect(changed({ ...last, unreachable: ['ai'] }, last)).to.equal(true)
    })

    it('tells uptime alone never, and cpu and heap only once they moved a tenth', () => {
      expect(changed(last, { ...last, uptime: 10_000_000 }), 'uptime').to.equal(false)
      expect(changed(last, { ...last, cpu: 0.39, heap: 0.41 }), 'under a tenth').to.equal(false)
      expect(changed(last, { ...last, cpu: 0.2 }), 'cpu down a tenth').to.equal(true)
      expect(changed(last, { ...last, cpu: 0.4 }), 'cpu up a tenth').to.equal(true)
      expect(changed(last, { ...last, heap: 0.6 }), 'heap up a tenth').to.equal(true)
      expect(changed(last, { ...last, cpu: undefined }), 'cpu no longer measured').to.equal(true)
    })

    it('tells event-loop lag only when it moves into another bucket', () => {
      const at = (eventLoopLag: number | undefined): boolean => changed(last, { ...last, eventLoopLag })
      expect([20, 49].map(at), 'within 20-50').to.deep.equal([false, false])
      expect([19, 50, 1000].map(at), 'into 0-20, 50-100, ≥1000').to.deep.equal([true, true, true])
      const stalled = { ...last, eventLoopLag: 1000 }
      expect(changed(stalled, { ...stalled, eventLoopLag: 60_000 }), 'within ≥1000').to.equal(false)
      expect(changed(stalled, { ...stalled, eventLoopLag: 999 }), 'into 500-1000').to.equal(true)
      expect(at(undefined), 'no longer measured').to.equal(true)
    })

    it('tells the mailbox when it moved by more than half and by at least 10', () => {
      const at = (mailbox: number): boolean => changed(last, { ...last, mailbox })
      expect([60, 20, 55, 25].map(at), 'by half or less').to.deep.equal([false, false, false, false])
      expect([61, 19, 400, 0].map(at), 'by more than half').to.deep.equal([true, true, true, true])
      const few = { ...last, mailbox: 2 }
      expect(changed(few, { ...few, mailbox: 11 }), 'more than half, but under 10').to.equal(false)
      expect(changed(few, { ...few, mailbox: 12 }), 'more than half, and 10').to.equal(true)
    })
  })

  it('sums only processes and messageRate', () => {
    expect(totalLoad({ ...BASE, cpu: 0.5, mailbox: 5, uptime: 1 }, [{ ...BASE, heap: 0.5 }, undefined])).to.deep.equal({ processes: 6, messageRate: 20 })
  })

  describe('between two members', () => {
    const started: NodeLoadGossip[] = []
    afterEach(() => { for (const load of started.splice(0)) { load.stop() } })

    async function linked (local: () => NodeLoad): Promise<{ sender: Awaited<ReturnType<typeof gossip>>, receiver: Awaited<ReturnType<typeof gossip>> }> {
      const sender = await gossip(local)
      const receiver = await gossip(() => BASE)
      sender.pubsub.peer = receiver.pubsub
      for (const { load } of [sender, receiver]) {
        load.start()
        started.push(load)
      }
      return { sender, receiver }
    }

    it('reads a member\'s uptime as of now: the reported uptime plus the time since the report arrived', async () => {
      const { sender, receiver } = await linked(() => ({ ...BASE, cpu: 0.25, uptime: 5000 }))
      const before = Date.now()
      sender.load.publish()
      const after = Date.now()
      const heard = receiver.load.of(sender.id, after)
      expect(heard).to.include({ processes: 3, cpu: 0.25 })
      expect(heard?.uptime).to.be.within(5000, 5000 + after - before)
      expect(receiver.load.of(sender.id, after + 60_000)?.uptime, 'a minute on').to.be.within(65_000, 65_000 + after - before)
      await new Promise(resolve => setTimeout(resolve, 100))
      expect(receiver.load.of(sender.id)?.uptime, 'by the wall clock').to.be.at.least(5100)
    })

    it('leaves uptime out for a member that does not tell it', async () => {
      const { sender, receiver } = await linked(() => BASE)
      sender.load.publish()
      expect(receiver.load.of(sender.id)).to.deep.equal(BASE)
    })

    it(`fits a report with every field at its largest in ${MAX_LOAD_MESSAGE} bytes`, async () => {
      const { sender, receiver } = await linked(() => FULL)
      sender.load.publish()
      expect(receiver.load.invalidMessages).to.equal(0)
      const { names, groups, ...load } = FULL
      // read as of the epoch: no time added to the uptime reported
      expect(receiver.load.of(sender.id, 0)).to.deep.equal(load)
      expect([receiver.load.heldNames(sender.id), receiver.load.groupVersion(sender.id)]).to.deep.equal([names, groups])
      expect(sender.pubsub.lastBytes, 'the whole signed publication').to.be.at.most(MAX_LOAD_MESSAGE)
    })
  })
})
