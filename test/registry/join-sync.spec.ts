// A member's names are found on a node from the moment it sees the member join, and a bad sync answer is refused.
import { defaultLogger } from '@libp2p/logger'
import { expect } from 'aegir/chai'
import { pEvent } from 'p-event'
import { createMembership } from '../../src/membership/index.ts'
import { createHost } from '../../src/node/create-host.ts'
import { protocolName } from '../../src/node/protocols.ts'
import { createRegistry } from '../../src/registry/index.ts'
import { RecordCodec } from '../../src/registry/record.ts'
import { Codec } from '../../src/wire/codec.ts'
import { FrameDecoder, encodeFrame, encodeFrames } from '../../src/wire/frames.ts'
import { eventually } from '../fixtures/nodes.ts'
import { FakeMembership } from './fake-membership.ts'
import { startHosts, stopAll } from './test-cluster.ts'
import type { TestNode } from './test-cluster.ts'
import type { ActorRef } from '../../src/actors/ref.ts'
import type { Member } from '../../src/membership/index.ts'
import type { Libp2pMembership } from '../../src/membership/libp2p-membership.ts'
import type { Host } from '../../src/node/create-host.ts'
import type { Registry } from '../../src/registry/index.ts'
import type { RegistryRecord } from '../../src/registry/record.ts'
import type { Stream, StreamCloseEvent } from '@libp2p/interface'

const LOOKUP_TIMEOUT = 2000
const ROUNDS = 20
/** libp2p refuses a sixth inbound connection per second from one IP, and every node here is 127.0.0.1 */
const MIN_ROUND_TIME = 400

interface IssuedLookup {
  name: string
  expected: ActorRef
  found: Promise<ActorRef | undefined>
}

interface MemberNode {
  host: Host
  id: string
  membership: Libp2pMembership
  registry: Registry
}

/** Builds a node the way a Foundation node starts its parts: protocol handlers first, the host last. */
async function createMemberNode (cluster: string, name: string, beforeStart?: (node: MemberNode) => void): Promise<MemberNode> {
  const host = await createHost({ cluster, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: { enabled: false, interval: 1000 }, maxMessageSize: 1 << 20 })
  const membership = createMembership({ host, logger: host.logger }, { cluster, name, roles: [] })
  const registry = createRegistry({ host, membership, logger: host.logger }, { cluster, lookupTimeout: LOOKUP_TIMEOUT })
  const node = { host, id: host.peerId.toString(), membership, registry }
  beforeStart?.(node)
  await membership.start()
  await registry.start()
  await host.start()
  return node
}

async function stopMemberNode (node: MemberNode): Promise<void> {
  await node.membership.stop()
  await node.registry.stop()
  await node.host.stop()
}

/** On every join the node sees, looks up at once each name the joining member holds. */
function lookUpOnJoin (node: MemberNode, held: Map<string, Map<string, ActorRef>>, lookups: IssuedLookup[]): void {
  node.membership.addEventListener('member:join', (evt: CustomEvent<Member>) => {
    for (const [name, expected] of held.get(evt.detail.id) ?? []) {
      lookups.push({ name, expected, found: node.registry.lookup(name) })
    }
  })
}

/** Looks the name up on `node` as soon as it sees `member` join. */
async function lookUpWhenJoined (node: MemberNode, member: string, name: string): Promise<ActorRef | undefined> {
  await pEvent<'member:join', CustomEvent<Member>>(node.membership, 'member:join', { filter: e => e.detail.id === member, timeout: 10_000 })
  return node.registry.lookup(name)
}

/**
 * Serves the registry-sync protocol on `host` with a fixed answer; `closed` resolves with the close event
 * of the first stream. Unless `end` is set the answering end stays open, so it sees the asker's reset.
 */
async function serveAnswer (host: Host, cluster: string, answer: Uint8Array, end: boolean): Promise<{ closed: Promise<StreamCloseEvent> }> {
  let closed!: (evt: StreamCloseEvent) => void
  const served = new Promise<StreamCloseEvent>(resolve => { closed = resolve })
  await host.handle(protocolName(cluster, 'registry-sync'), (stream: Stream) => {
    stream.addEventListener('close', closed, { once: true })
    stream.addEventListener('message', () => {
      stream.send(answer)
      if (end) {
        stream.close().catch(() => {})
      }
    }, { once: true })
  })
  return { closed: served }
}

async function untilActive (node: MemberNode, count: number): Promise<void> {
  if (node.membership.activeMembers().length >= count) {
    return
  }
  await pEvent(node.membership, 'member:join', { filter: () => node.membership.activeMembers().length >= count, timeout: 10_000 })
}

describe('registry sync on join', () => {
  describe('with the real membership', () => {
    let cluster: string
    const members: MemberNode[] = []

    beforeEach(() => {
      cluster = `join-sync-${Math.random().toString(36).slice(2, 10)}`
    })

    afterEach(async () => {
      await Promise.allSettled(members.splice(0).map(stopMemberNode))
    })

    it(`finds every name of a member on a node that just saw it join, ${ROUNDS} times over`, async () => {
      // A and C hold names; each round a fresh B dials A only, and learns of C through A's gossip
      const a = await createMemberNode(cluster, 'a')
      const c = await createMemberNode(cluster, 'c')
      members.push(a, c)
      await c.host.dial(a.host.getMultiaddrs())
      await Promise.all([untilActive(a, 2), untilActive(c, 2)])

      const held = new Map<string, Map<string, ActorRef>>([[a.id, new Map()], [c.id, new Map()]])
      for (const [node, label] of [[a, 'a'], [c, 'c']] as const) {
        for (let i = 0; i < 10; i++) {
          const ref = { node: node.id, id: `${label}-actor-${i}` }
          await node.registry.register(`${label}-service-${i}`, ref)
          held.get(node.id)?.set(`${label}-service-${i}`, ref)
        }
      }

      for (let round = 0; round < ROUNDS; round++) {
        const roundStarted = Date.now()
        const lookups: IssuedLookup[] = []
        const bName = `b-service-${round}`

        // lookups are issued inside the join listener, which runs before the registry's own: the hardest moment
        const b = await createMemberNode(cluster, `b-${round}`, node => { lookUpOnJoin(node, held, lookups) })
        members.push(b)
        const bRef = { node: b.id, id: 'b-actor' }
        await b.registry.register(bName, bRef)

        // the old members see B join: B's name is found at once there too
        const seenByOld = [a, c].map(async old => lookUpWhenJoined(old, b.id, bName))

        await b.host.dial(a.host.getMultiaddrs())
        await untilActive(b, 3)

        expect(lookups.map(l => l.name).sort(), `round ${round}: lookups issued on join`).to.have.lengthOf(20)
        for (const lookup of lookups) {
          expect(await lookup.found, `round ${round}: ${lookup.name}`).to.deep.equal(lookup.expected)
        }
        for (const found of await Promise.all(seenByOld)) {
          expect(found, `round ${round}: ${bName} on an old member`).to.deep.equal(bRef)
        }

        members.splice(members.indexOf(b), 1)
        await stopMemberNode(b)
        await new Promise(resolve => setTimeout(resolve, Math.max(0, MIN_ROUND_TIME - (Date.now() - roundStarted))))
      }

      expect(a.registry.invalidMessages).to.equal(0)
      expect(c.registry.invalidMessages).to.equal(0)
    })
  })

  describe('with hostile peers', () => {
    let cluster: string
    let hosts: Host[]
    let node: TestNode

    beforeEach(async () => {
      cluster = `join-sync-${Math.random().toString(36).slice(2, 10)}`
      hosts = await startHosts(cluster, 2)
      const host = hosts[0]
      const membership = new FakeMembership(host.peerId.toString())
      const registry = createRegistry({ host, membership, logger: defaultLogger() }, { cluster, lookupTimeout: LOOKUP_TIMEOUT })
      node = { host, id: host.peerId.toString(), membership, registry }
      membership.start()
      await registry.start()
    })

    afterEach(async () => {
      await stopAll(node != null ? [node] : [], hosts ?? [])
    })

    function record (name: string, owner: string, node = owner): RegistryRecord {
      return { name, ref: { node, id: 'x' }, owner, version: { time: Date.now(), counter: 0 }, tombstone: false }
    }

    const codec = new Codec()
    const records = new RecordCodec()
    const header = (n: unknown): Uint8Array => codec.encode({ f: 1, n })

    /**
     * What a rogue member answers, given its own id. It keeps its end open, so it sees the reset; only a
     * truncated frame needs the end of the stream to show.
     */
    const answers: Array<[string, (self: string) => Uint8Array]> = [
      ['an undecodable header', () => encodeFrame(new Uint8Array([0xc1, 0xff]))],
      ['a header of another format', () => encodeFrame(codec.encode({ f: 99, n: 0 }))],
      ['a header announcing too many names', () => encodeFrame(header(10_000_000))],
      ['a malformed record', (self) => encodeFrames([header(1), codec.encode({ f: 1, n: 'stolen', r: { node: 5 }, o: self, t: 1, c: 0, x: false })])],
      ['a record written by another node', (self) => encodeFrames([header(1), records.encode(record('stolen', node.id, self))])],
      ['more records than announced', (self) => encodeFrames([header(1), records.encode(record('stolen', self)), records.encode(record('stolen-too', self))])],
      ['an oversize frame', () => new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f])],
      ['a truncated frame', (self) => encodeFrames([header(1), records.encode(record('stolen', self))]).subarray(0, 12)]
    ]

    async function refuses (label: string, answer: (self: string) => Uint8Array): Promise<void> {
      const truncated = label === 'a truncated frame'
      const rogueId = hosts[1].peerId.toString()
      const served = await serveAnswer(hosts[1], cluster, answer(rogueId), truncated)
      const before = node.registry.invalidMessages

      node.membership.join(rogueId)
      const lookup = node.registry.lookup('stolen')

      const closed = await served.closed
      if (!truncated) {
        expect(closed.error, 'the stream was reset').to.be.instanceOf(Error)
      }
      await eventually(() => node.registry.invalidMessages === before + 1, 'the answer is counted')
      expect(await lookup).to.equal(undefined)
      expect(await node.registry.lookup('stolen-too')).to.equal(undefined)
      // a malformed answer is not asked for again
      await new Promise(resolve => setTimeout(resolve, 300))
      expect(node.registry.invalidMessages).to.equal(before + 1)
    }

    for (const [label, answer] of answers) {
      it(`refuses a sync answer with ${label}, counts it and resets the stream`, async () => { await refuses(label, answer) })
    }

    it('takes a well-formed answer from a member', async () => {
      const rogueId = hosts[1].peerId.toString()
      await serveAnswer(hosts[1], cluster, encodeFrames([header(2), records.encode(record('one', rogueId)), records.encode(record('two', rogueId))]), true)
      node.membership.join(rogueId)
      expect(await node.registry.lookup('one')).to.deep.equal({ node: rogueId, id: 'x' })
      expect(await node.registry.lookup('two')).to.deep.equal({ node: rogueId, id: 'x' })
      expect(node.registry.invalidMessages).to.equal(0)
    })

    it('resets and counts a malformed request, and still answers a good one', async () => {
      const rogue = hosts[1]
      await node.registry.register('mine', { node: node.id, id: 'y' })
      const protocol = protocolName(cluster, 'registry-sync')
      const before = node.registry.invalidMessages

      const bad = await rogue.dialProtocol(node.host.peerId, protocol, { signal: AbortSignal.timeout(5000) })
      const badClosed = pEvent<'close', StreamCloseEvent>(bad, 'close', { timeout: 5000 })
      bad.send(encodeFrame(codec.encode({ f: 7 })))
      expect((await badClosed).error).to.be.instanceOf(Error)
      expect(node.registry.invalidMessages).to.equal(before + 1)

      const good = await rogue.dialProtocol(node.host.peerId, protocol, { signal: AbortSignal.timeout(5000) })
      const received: Uint8Array[] = []
      const goodClosed = pEvent<'close', StreamCloseEvent>(good, 'close', { timeout: 5000 })
      good.addEventListener('message', (evt) => { received.push(evt.data.subarray()) })
      good.send(encodeFrame(codec.encode({ f: 1 })))
      await good.close()
      expect((await goodClosed).error).to.equal(undefined)
      const frames = new FrameDecoder(1 << 20).push(Buffer.concat(received))
      // a header announcing one name, then the one record this node holds
      expect(frames).to.have.lengthOf(2)
      expect(codec.decode(frames[0])).to.deep.equal({ f: 1, n: 1 })
      expect(records.decode(frames[1])).to.include({ name: 'mine', owner: node.id })
    })
  })
})
