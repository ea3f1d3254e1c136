import { format } from 'node:util'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { Etcd3 } from 'etcd3'
import { dialKey } from '../../src/discovery/candidates.ts'
import { DiscoveryDependencyError } from '../../src/discovery/dependency.ts'
import { DiscoveryForbiddenError } from '../../src/discovery/errors.ts'
import { EtcdDiscovery } from '../../src/discovery/etcd/index.ts'
import { startEtcd } from '../fixtures/etcd-server.ts'
import { discoveryCompliance } from './compliance.ts'
import { record, waitFor } from './events.ts'
import type { Candidate, DiscoveryComponents } from '../../src/discovery/index.ts'
import type { EtcdInit } from '../../src/discovery/inits.ts'
import type { EtcdServer } from '../fixtures/etcd-server.ts'
import type { ComponentLogger } from '@libp2p/interface'

const FAST = { ttl: 2000, minBackoff: 100, maxBackoff: 1000 }

interface Node {
  peerId: string
  address: string
  components: DiscoveryComponents
}

async function node (port: number, logger: ComponentLogger = defaultLogger()): Promise<Node> {
  const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  const address = `/ip4/127.0.0.1/tcp/${port}/p2p/${peerId}`
  return { peerId, address, components: { logger, self: { peerId, name: `node-${port}`, addresses: () => [address] } } }
}

function registration (peer: Node): string {
  return JSON.stringify({ peerId: peer.peerId, name: `node-${peer.address}`, addresses: [peer.address] })
}

function peerIds (round: Candidate[] | undefined): string[] {
  return (round ?? []).map(c => c.peerId ?? '').sort()
}

let prefixes = 0
function freshPrefix (): string {
  return `/foundation/test-${process.pid}-${++prefixes}/nodes/`
}

discoveryCompliance('etcd', async () => {
  const etcd = await startEtcd()
  const writer = new Etcd3({ hosts: etcd.url })
  try {
    const prefix = freshPrefix()
    const [self, a, b] = await Promise.all([node(4300), node(4301), node(4302)])
    await writer.put(`${prefix}${a.peerId}`).value(registration(a))
    await writer.put(`${prefix}${b.peerId}`).value(registration(b))
    // the same peer under a second key, as a node restarted under an old key leaves it
    await writer.put(`${prefix}${b.peerId}-previous`).value(registration(b))
    return {
      strategy: new EtcdDiscovery(self.components, { endpoints: [etcd.url], prefix, ...FAST }),
      expected: [a.peerId, b.peerId, dialKey(a.address), dialKey(b.address)],
      self: { peerId: self.peerId, addresses: [self.address] },
      breakBackend: async () => { await etcd.down() },
      repairBackend: async () => { await etcd.up() },
      close: async () => {
        writer.close()
        await etcd.stop()
      }
    }
  } catch (err) {
    writer.close()
    await etcd.stop()
    throw err
  }
})

describe('etcd discovery', function () {
  this.timeout(60_000)
  let etcd: EtcdServer
  let writer: Etcd3
  let prefix: string
  const strategies: EtcdDiscovery[] = []

  function strategy (self: Node, init: EtcdInit = {}): EtcdDiscovery {
    const created = new EtcdDiscovery(self.components, { endpoints: [etcd.url], prefix, ...FAST, ...init })
    strategies.push(created)
    return created
  }

  before(async () => {
    etcd = await startEtcd()
    writer = new Etcd3({ hosts: etcd.url })
  })

  beforeEach(() => {
    prefix = freshPrefix()
  })

  afterEach(async () => {
    await Promise.all(strategies.splice(0).map(async s => { await s.stop() }))
  })

  after(async () => {
    writer?.close()
    await etcd?.stop()
  })

  it('registers this node under the prefix with its peer id, name and addresses', async () => {
    const self = await node(4310)
    await strategy(self).start()
    await waitFor(async () => await writer.get(`${prefix}${self.peerId}`).string() != null, 'the registration')
    const value = JSON.parse(await writer.get(`${prefix}${self.peerId}`).string() ?? 'null')
    expect(value).to.deep.equal({ peerId: self.peerId, name: 'node-4310', addresses: [self.address] })
  })

  it('hands on a node registered later, and drops a key deleted', async () => {
    const [self, a, b] = await Promise.all([node(4320), node(4321), node(4322)])
    await writer.put(`${prefix}${a.peerId}`).value(registration(a))
    const subject = strategy(self)
    const events = record(subject)
    await subject.start()
    await waitFor(() => peerIds(events.last()).length === 1, 'the first list')
    expect(peerIds(events.last())).to.deep.equal([a.peerId])

    await writer.put(`${prefix}${b.peerId}`).value(registration(b))
    await waitFor(() => peerIds(events.last()).length === 2, 'the node registered later')
    expect(peerIds(events.last())).to.deep.equal([a.peerId, b.peerId].sort())
    expect(events.last()?.find(c => c.peerId === b.peerId)?.addresses).to.deep.equal([b.address])

    await writer.delete().key(`${prefix}${a.peerId}`)
    await waitFor(() => peerIds(events.last()).length === 1, 'the list without the deleted key')
    expect(peerIds(events.last())).to.deep.equal([b.peerId])
    expect(events.errors).to.deep.equal([])
  })

  it('leaves out keys outside its prefix', async () => {
    const [self, a, b] = await Promise.all([node(4325), node(4326), node(4327)])
    await writer.put(`${prefix}${a.peerId}`).value(registration(a))
    await writer.put(`${prefix.replace(/\/nodes\/$/, '/other/')}${b.peerId}`).value(registration(b))
    const subject = strategy(self)
    const events = record(subject)
    await subject.start()
    await waitFor(() => events.rounds.length > 0, 'the first list')
    expect(peerIds(events.last())).to.deep.equal([a.peerId])
  })

  it('revokes its lease on stop, so its key is gone at once', async () => {
    const self = await node(4330)
    const subject = strategy(self)
    await subject.start()
    const key = `${prefix}${self.peerId}`
    await waitFor(async () => await writer.get(key).string() != null, 'the registration')
    await subject.stop()
    expect(await writer.get(key).string()).to.be.null()
    expect(subject.isStarted()).to.be.false()
  })

  it('registers again when etcd comes back empty and the lease is gone', async () => {
    const [self, a] = await Promise.all([node(4340), node(4341)])
    const subject = strategy(self)
    const events = record(subject)
    await subject.start()
    const key = `${prefix}${self.peerId}`
    await waitFor(async () => await writer.get(key).string() != null, 'the registration')

    await etcd.restart({ wipe: true })
    expect(await writer.get(key).string(), 'nothing survives the wipe').to.be.null()
    await waitFor(async () => await writer.get(key).string() != null, 'the registration after the restart', 20_000)
    expect(JSON.parse(await writer.get(key).string() ?? 'null')).to.have.property('peerId', self.peerId)
    expect(events.errors.map(e => e.name)).to.include('EtcdRegistrationLostError')
    // the new lease is kept alive: the key outlives several ttls
    await new Promise(resolve => setTimeout(resolve, 3 * FAST.ttl))
    expect(await writer.get(key).string()).to.not.be.null()

    // and the watch follows the new etcd
    await writer.put(`${prefix}${a.peerId}`).value(registration(a))
    await waitFor(() => peerIds(events.last()).includes(a.peerId), 'a node registered after the restart')
    expect(subject.status.failures).to.equal(0)
  })

  it('skips and counts values that are not registrations', async () => {
    const [self, a] = await Promise.all([node(4350), node(4351)])
    await writer.put(`${prefix}junk`).value('not json {')
    await writer.put(`${prefix}wrong-shape`).value(JSON.stringify({ peerId: 42, addresses: 'nowhere' }))
    await writer.put(`${prefix}no-address`).value(JSON.stringify({ peerId: a.peerId, name: 'x', addresses: ['not a multiaddr'] }))
    await writer.put(`${prefix}${a.peerId}`).value(registration(a))
    const subject = strategy(self)
    const events = record(subject)
    await subject.start()
    await waitFor(() => events.rounds.length > 0, 'the first list')
    expect(events.last()).to.deep.equal([{ peerId: a.peerId, addresses: [a.address] }])
    expect(subject.malformedValues).to.equal(3)

    // a registration that turns bad is dropped, and counted
    await writer.put(`${prefix}${a.peerId}`).value('[]')
    await waitFor(() => events.last()?.length === 0, 'the list without the bad value')
    expect(subject.malformedValues).to.equal(4)
    expect(events.errors).to.deep.equal([])
    expect(subject.isStarted()).to.be.true()
  })

  it('lets two nodes on one etcd find each other, and drops one that stops', async () => {
    const [one, two] = await Promise.all([node(4360), node(4361)])
    const first = strategy(one)
    const second = strategy(two)
    const firstEvents = record(first)
    const secondEvents = record(second)
    await first.start()
    await second.start()
    await waitFor(() => peerIds(firstEvents.last()).includes(two.peerId), 'the first node finding the second')
    await waitFor(() => peerIds(secondEvents.last()).includes(one.peerId), 'the second node finding the first')
    expect(firstEvents.last()).to.deep.equal([{ peerId: two.peerId, addresses: [two.address] }])
    expect(secondEvents.last()).to.deep.equal([{ peerId: one.peerId, addresses: [one.address] }])

    await second.stop()
    await waitFor(() => firstEvents.last()?.length === 0, 'the first node seeing the second leave')
  })

  it('reports a missing etcd3 package as an error event saying what to install, without crashing', async () => {
    const self = await node(4370)
    const subject = new EtcdDiscovery(self.components, { endpoints: [etcd.url], prefix, ...FAST }, {
      load: async () => import('foundation-test-package-that-is-not-installed' as string)
    })
    strategies.push(subject)
    const events = record(subject)
    await subject.start()
    await waitFor(() => events.errors.length >= 2, 'the error, retried')
    expect(events.errors[0]).to.be.an.instanceOf(DiscoveryDependencyError)
    expect(events.errors[0].message).to.include('npm install etcd3')
    expect(events.errors[0]).to.have.property('dependency', 'etcd3')
    expect(events.errors[0].cause).to.have.property('code', 'ERR_MODULE_NOT_FOUND')
    expect(events.rounds).to.deep.equal([])
    expect(subject.status.lastError?.name).to.equal('DiscoveryDependencyError')
    expect(await writer.get(`${prefix}${self.peerId}`).string()).to.be.null()
  })

  it('reports an unreachable etcd, and connects once it is there', async () => {
    const spare = await startEtcd()
    try {
      await spare.down()
      const self = await node(4380)
      const subject = strategy(self, { endpoints: [spare.url] })
      const events = record(subject)
      await subject.start()
      await waitFor(() => events.errors.length >= 1, 'an error')
      expect(events.errors[0].name).to.equal('DiscoveryUnreachableError')
      expect(events.errors[0].message).to.include(spare.url)
      await spare.up()
      await waitFor(() => events.rounds.length > 0, 'the first list once etcd is up', 30_000)
      expect(subject.status.failures).to.equal(0)
    } finally {
      await spare.stop()
    }
  })

  it('logs in with the configured user, refuses a wrong password, and never logs it', async () => {
    const secured = await startEtcd()
    const admin = new Etcd3({ hosts: secured.url })
    const lines: string[] = []
    const logger: ComponentLogger = {
      forComponent: () => Object.assign((...args: any[]) => { lines.push(format(...args)) }, {
        enabled: true,
        error: (...args: any[]) => { lines.push(format(...args)) },
        trace: (...args: any[]) => { lines.push(format(...args)) },
        newScope: () => { throw new Error('not used') }
      }) as any
    }
    try {
      await admin.role('root').create()
      const root = await admin.user('root').create('root-password-1')
      await root.addRole('root')
      await admin.auth.authEnable({})
      const securePrefix = freshPrefix()

      const [wrong, right] = await Promise.all([node(4390, logger), node(4391, logger)])
      const refused = strategy(wrong, { endpoints: [secured.url], prefix: securePrefix, auth: { username: 'root', password: 'wrong-password-2' } })
      const refusedEvents = record(refused)
      await refused.start()
      await waitFor(() => refusedEvents.errors.length >= 1, 'the refusal')
      expect(refusedEvents.errors[0]).to.be.an.instanceOf(DiscoveryForbiddenError)
      await refused.stop()

      const allowed = strategy(right, { endpoints: [secured.url], prefix: securePrefix, auth: { username: 'root', password: 'root-password-1' } })
      const allowedEvents = record(allowed)
      await allowed.start()
      await waitFor(() => allowedEvents.rounds.length > 0, 'the first list as root')
      expect(allowedEvents.errors).to.deep.equal([])

      const reader = new Etcd3({ hosts: secured.url, auth: { username: 'root', password: 'root-password-1' } })
      try {
        expect(await reader.get(`${securePrefix}${right.peerId}`).string()).to.not.be.null()
      } finally {
        reader.close()
      }
      await allowed.stop()

      expect(lines.length).to.be.greaterThan(0)
      const logged = lines.join('\n') + refusedEvents.errors.map(e => e.message).join('\n')
      expect(logged).to.not.include('root-password-1')
      expect(logged).to.not.include('wrong-password-2')
    } finally {
      admin.close()
      await secured.stop()
    }
  })
})
