import dgram from 'node:dgram'
import { format } from 'node:util'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { dialKey } from '../../src/discovery/candidates.ts'
import {
  DnsDiscovery, DnsNameNotFoundError, InvalidDnsServerError, MAX_DNSADDR_DEPTH, MAX_DNSADDR_LOOKUPS,
  createResolver, dnsDiscovery, lookupAddresses, lookupDnsaddr, lookupSrv
} from '../../src/discovery/dns/index.ts'
import { DiscoveryError, DiscoveryResponseError, DiscoveryUnreachableError } from '../../src/discovery/errors.ts'
import { DNSMASQ_ZONE, startDnsmasq } from '../fixtures/dnsmasq.ts'
import { discoveryCompliance } from './compliance.ts'
import { record, waitFor } from './events.ts'
import type { ComplianceSubject } from './compliance.ts'
import type { Recorded } from './events.ts'
import type { Candidate, DiscoveryComponents } from '../../src/discovery/index.ts'
import type { DnsInit } from '../../src/discovery/inits.ts'
import type { Dnsmasq, DnsRecords } from '../fixtures/dnsmasq.ts'
import type { ComponentLogger, Logger } from '@libp2p/interface'

const SELF_PORT = 4100
const FAST = { interval: 200, minBackoff: 100, maxBackoff: 500, timeout: 2000 }

async function newPeerId (): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
}

function components (peerId: string, logger: ComponentLogger = defaultLogger()): DiscoveryComponents {
  return { logger, self: { peerId, name: 'self', addresses: () => [`/ip4/127.0.0.1/tcp/${SELF_PORT}/p2p/${peerId}`] } }
}

/** A compliance subject: the strategy asks this dnsmasq, whose records list `expected`, this node and a repeat. */
async function complianceSubject (records: DnsRecords, init: Omit<DnsInit, 'servers'>, expected: (peers: string[]) => string[], peers: number): Promise<ComplianceSubject> {
  const selfId = await newPeerId()
  const peerIds = await Promise.all(Array.from({ length: peers }, newPeerId))
  const fill = (text: string): string => text.replace(/SELF/g, selfId).replace(/PEER(\d)/g, (_, i) => peerIds[Number(i)])
  const dns = await startDnsmasq(JSON.parse(fill(JSON.stringify(records))))
  return {
    strategy: new DnsDiscovery(components(selfId), { ...FAST, ...init, servers: [dns.server] }),
    expected: expected(peerIds),
    self: { peerId: selfId, addresses: components(selfId).self.addresses() },
    breakBackend: async () => { await dns.kill() },
    repairBackend: async () => { await dns.restart() },
    close: async () => { await dns.stop() }
  }
}

discoveryCompliance('dns (a)', async () => complianceSubject(
  // an RRset is a set: dnsmasq serves the repeated line once
  { hosts: { [`peers.${DNSMASQ_ZONE}`]: ['127.0.0.2', '127.0.0.3', '127.0.0.3', 'fd00::2', '127.0.0.1'] } },
  { name: `peers.${DNSMASQ_ZONE}`, mode: 'a', port: SELF_PORT },
  () => [`/ip4/127.0.0.2/tcp/${SELF_PORT}`, `/ip4/127.0.0.3/tcp/${SELF_PORT}`, `/ip6/fd00::2/tcp/${SELF_PORT}`],
  0
))

discoveryCompliance('dns (srv)', async () => complianceSubject(
  {
    hosts: {
      [`a.${DNSMASQ_ZONE}`]: ['127.0.0.2'],
      [`b.${DNSMASQ_ZONE}`]: ['127.0.0.3', 'fd00::3'],
      [`self.${DNSMASQ_ZONE}`]: ['127.0.0.1']
    },
    srv: {
      [`_foundation._tcp.app.${DNSMASQ_ZONE}`]: [
        { target: `a.${DNSMASQ_ZONE}`, port: 4001 },
        { target: `a.${DNSMASQ_ZONE}`, port: 4001 },
        { target: `b.${DNSMASQ_ZONE}`, port: 4002 },
        { target: `self.${DNSMASQ_ZONE}`, port: SELF_PORT }
      ]
    }
  },
  { name: `_foundation._tcp.app.${DNSMASQ_ZONE}`, mode: 'srv' },
  () => ['/ip4/127.0.0.2/tcp/4001', '/ip4/127.0.0.3/tcp/4002', '/ip6/fd00::3/tcp/4002'],
  0
))

discoveryCompliance('dns (dnsaddr)', async () => complianceSubject(
  {
    txt: {
      [`_dnsaddr.app.${DNSMASQ_ZONE}`]: [
        'dnsaddr=/ip4/127.0.0.2/tcp/4001/p2p/PEER0',
        'dnsaddr=/ip4/127.0.0.2/tcp/4001/p2p/PEER0',
        'dnsaddr=/ip4/127.0.0.3/tcp/4002/p2p/PEER1',
        `dnsaddr=/ip4/127.0.0.1/tcp/${SELF_PORT}/p2p/SELF`
      ]
    }
  },
  { name: `app.${DNSMASQ_ZONE}`, mode: 'dnsaddr' },
  (peers) => [...peers, '/ip4/127.0.0.2/tcp/4001', '/ip4/127.0.0.3/tcp/4002'],
  2
))

function keysOf (round: Candidate[] | undefined): string[] {
  return (round ?? []).flatMap(c => c.addresses.map(dialKey)).sort()
}

/** A logger that keeps every line, to check what the strategy reports. */
function capturingLogger (lines: string[]): ComponentLogger {
  const make = (): Logger => Object.assign(
    (formatter: any, ...args: any[]) => { lines.push(format(formatter, ...args)) },
    {
      error: (formatter: any, ...args: any[]) => { lines.push(format(formatter, ...args)) },
      trace: () => {},
      enabled: true,
      newScope: () => make()
    }
  )
  return { forComponent: () => make() }
}

interface FakeDnsServer {
  readonly server: string
  /** queries received so far, by type */
  readonly queries: string[]
  /** while true every answer is truncated (TC set, no records); else A queries get `addresses` */
  truncate: boolean
  addresses: string[]
  /** answer AAAA queries with REFUSED, as servers that hold only A records of a name sometimes do */
  refuseAaaa: boolean
  close(): Promise<void>
}

const QUERY_TYPES: Record<number, string> = { 1: 'A', 28: 'AAAA' }

/** A UDP-only DNS server on 127.0.0.1: nothing listens on its TCP port, so a truncated answer cannot be refetched. */
async function fakeDnsServer (respond: boolean): Promise<FakeDnsServer> {
  const socket = dgram.createSocket('udp4')
  const fake: FakeDnsServer = {
    server: '',
    queries: [],
    truncate: true,
    addresses: [],
    refuseAaaa: false,
    close: async () => { await new Promise<void>(resolve => { socket.close(resolve) }) }
  }
  socket.on('message', (query, from) => {
    let end = 12
    while (end < query.length && query[end] !== 0) { end += query[end] + 1 }
    const type = query.readUInt16BE(end + 1)
    fake.queries.push(QUERY_TYPES[type] ?? String(type))
    if (!respond) { return }
    const answers = !fake.truncate && type === 1 ? fake.addresses : []
    const header = Buffer.alloc(12)
    header.writeUInt16BE(query.readUInt16BE(0), 0)
    const refused = fake.refuseAaaa && type === 28 ? 5 : 0
    header.writeUInt16BE(0x8180 | (fake.truncate ? 0x0200 : 0) | refused, 2)
    header.writeUInt16BE(1, 4)
    header.writeUInt16BE(answers.length, 6)
    const records = answers.map(ip => Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...ip.split('.').map(Number)]))
    socket.send(Buffer.concat([header, query.subarray(12, end + 5), ...records]), from.port, from.address)
  })
  await new Promise<void>(resolve => { socket.bind(0, '127.0.0.1', resolve) })
  return Object.assign(fake, { server: `127.0.0.1:${socket.address().port}` })
}

describe('dns discovery', function () {
  this.timeout(60_000)
  let dns: Dnsmasq | undefined
  let fake: FakeDnsServer | undefined
  let strategy: DnsDiscovery | undefined
  let selfId: string

  before(async () => {
    selfId = await newPeerId()
  })

  afterEach(async () => {
    await strategy?.stop()
    await dns?.stop()
    await fake?.close()
    strategy = dns = fake = undefined
  })

  function start (init: Omit<DnsInit, 'servers'>, server = dns?.server, logger?: ComponentLogger): Recorded {
    strategy = new DnsDiscovery(components(selfId, logger), { ...FAST, ...init, servers: [server ?? ''] })
    const events = record(strategy)
    void strategy.start()
    return events
  }

  describe('records that change', () => {
    it('hands on a peer whose A record appears between rounds', async () => {
      const name = `peers.${DNSMASQ_ZONE}`
      dns = await startDnsmasq({ hosts: { [name]: ['127.0.0.2'] } })
      const events = start({ name, mode: 'a', port: 4001 })
      await waitFor(() => events.rounds.length > 0, 'a first round')
      expect(keysOf(events.rounds[0])).to.deep.equal(['/ip4/127.0.0.2/tcp/4001'])

      await dns.setRecords({ hosts: { [name]: ['127.0.0.2', '127.0.0.4'] } })
      const before = events.rounds.length
      await waitFor(() => keysOf(events.rounds.at(-1)).length === 2 && events.rounds.length > before, 'a round with the new peer')
      expect(keysOf(events.rounds.at(-1))).to.deep.equal(['/ip4/127.0.0.2/tcp/4001', '/ip4/127.0.0.4/tcp/4001'])
    })

    it('hands on a peer whose SRV record appears between rounds', async () => {
      const name = `_foundation._tcp.app.${DNSMASQ_ZONE}`
      const hosts = { [`a.${DNSMASQ_ZONE}`]: ['127.0.0.2'], [`b.${DNSMASQ_ZONE}`]: ['127.0.0.3'] }
      dns = await startDnsmasq({ hosts, srv: { [name]: [{ target: `a.${DNSMASQ_ZONE}`, port: 4001 }] } })
      const events = start({ name, mode: 'srv' })
      await waitFor(() => events.rounds.length > 0, 'a first round')
      expect(keysOf(events.rounds[0])).to.deep.equal(['/ip4/127.0.0.2/tcp/4001'])

      await dns.setRecords({ hosts, srv: { [name]: [{ target: `a.${DNSMASQ_ZONE}`, port: 4001 }, { target: `b.${DNSMASQ_ZONE}`, port: 4002 }] } })
      await waitFor(() => keysOf(events.rounds.at(-1)).length === 2, 'a round with the new peer')
      expect(keysOf(events.rounds.at(-1))).to.deep.equal(['/ip4/127.0.0.2/tcp/4001', '/ip4/127.0.0.3/tcp/4002'])
    })
  })

  describe("mode 'a'", () => {
    it("dials this node's own port when none is set", async () => {
      dns = await startDnsmasq({ hosts: { [`peers.${DNSMASQ_ZONE}`]: ['127.0.0.2'] } })
      const events = start({ name: `peers.${DNSMASQ_ZONE}` })
      await waitFor(() => events.rounds.length > 0, 'a first round')
      expect(events.rounds[0]).to.deep.equal([{ addresses: [`/ip4/127.0.0.2/tcp/${SELF_PORT}`] }])
    })

    it('finds a name with only AAAA records, and none in a name without addresses, with no error', async () => {
      dns = await startDnsmasq({ hosts: { [`six.${DNSMASQ_ZONE}`]: ['fd00::6'] }, txt: { [`text.${DNSMASQ_ZONE}`]: ['hello'] } })
      const resolver = createResolver('dns', { servers: [dns.server], timeout: 2000 })
      const signal = AbortSignal.timeout(5000)
      expect(await lookupAddresses(resolver, `six.${DNSMASQ_ZONE}`, signal)).to.deep.equal(['fd00::6'])
      expect(await lookupAddresses(resolver, `text.${DNSMASQ_ZONE}`, signal)).to.deep.equal([])

      const events = start({ name: `text.${DNSMASQ_ZONE}`, port: 4001 })
      await waitFor(() => events.rounds.length + events.errors.length >= 2, 'two rounds')
      expect(events.errors).to.deep.equal([])
      expect(events.rounds[0]).to.deep.equal([])
    })

    it('reports a name that does not exist, naming it', async () => {
      dns = await startDnsmasq({})
      const name = `missing.${DNSMASQ_ZONE}`
      const events = start({ name, port: 4001 })
      await waitFor(() => events.errors.length >= 2, 'two error events')
      expect(events.rounds).to.deep.equal([])
      const error = events.errors[0]
      expect(error).to.be.an.instanceOf(DnsNameNotFoundError).and.an.instanceOf(DiscoveryResponseError)
      expect(error).to.have.property('hostname', name)
      expect(error.message).to.include(`${name} does not exist`).and.include(dns.server)
      expect((error.cause as any).code).to.equal('ENOTFOUND')
    })

    it('takes the A records when the same server refuses AAAA, and reports the refusal when there are none', async () => {
      fake = await fakeDnsServer(true)
      fake.truncate = false
      fake.refuseAaaa = true
      fake.addresses = ['127.0.0.2']
      const events = start({ name: 'peers.example.org', mode: 'a', port: 4001 }, fake.server)
      await waitFor(() => events.rounds.length >= 2, 'two rounds')
      expect(keysOf(events.rounds[0])).to.deep.equal(['/ip4/127.0.0.2/tcp/4001'])
      expect(events.errors).to.deep.equal([])
      expect(fake.queries).to.include('AAAA')

      fake.addresses = []
      await waitFor(() => events.errors.length > 0, 'an error once the A records are gone too')
      expect(events.errors[0]).to.be.an.instanceOf(DiscoveryResponseError)
      expect(events.errors[0].message).to.include('REFUSED')
    })

    it('reports a server that refuses the zone as a response error', async () => {
      dns = await startDnsmasq({})
      const events = start({ name: 'app.example.org', port: 4001 })
      await waitFor(() => events.errors.length > 0, 'an error event')
      expect(events.errors[0]).to.be.an.instanceOf(DiscoveryResponseError)
      expect(events.errors[0].message).to.include('REFUSED').and.include('app.example.org')
    })

    it('reports a server that is down as unreachable, naming it', async () => {
      dns = await startDnsmasq({ hosts: { [`peers.${DNSMASQ_ZONE}`]: ['127.0.0.2'] } })
      await dns.kill()
      const events = start({ name: `peers.${DNSMASQ_ZONE}`, port: 4001 })
      await waitFor(() => events.errors.length > 0, 'an error event')
      expect(events.errors[0]).to.be.an.instanceOf(DiscoveryUnreachableError)
      expect(events.errors[0].message).to.include(dns.server)
      expect(events.rounds).to.deep.equal([])
    })

    it("reports a silent server within the round's timeout", async () => {
      fake = await fakeDnsServer(false)
      const events = start({ name: `peers.${DNSMASQ_ZONE}`, port: 4001, timeout: 300 }, fake.server)
      await waitFor(() => events.errors.length > 0, 'an error event')
      expect(events.errors[0]).to.be.an.instanceOf(DiscoveryUnreachableError)
      expect(events.errors[0].message).to.include(fake.server)
      expect(fake.queries).to.include.members(['A', 'AAAA'])
    })

    it('cancels queries in flight when its signal aborts', async () => {
      fake = await fakeDnsServer(false)
      const silent = fake
      const resolver = createResolver('dns', { servers: [silent.server], timeout: 30_000 })
      const controller = new AbortController()
      const lookup = lookupAddresses(resolver, `peers.${DNSMASQ_ZONE}`, controller.signal)
      lookup.catch(() => {})
      await waitFor(() => silent.queries.length >= 2, 'the queries to arrive')
      const reason = new Error('given up')
      controller.abort(reason)
      // without cancelling, the lookup would wait for c-ares' own timeout and fail with ETIMEOUT
      await expect(lookup).to.eventually.be.rejectedWith(reason)
    })

    it('cancels its queries as it stops, so none is retried', async () => {
      fake = await fakeDnsServer(false)
      const silent = fake
      // each query's first try waits a second, then c-ares asks again
      start({ name: `peers.${DNSMASQ_ZONE}`, port: 4001, timeout: 3000 }, silent.server)
      await waitFor(() => silent.queries.length >= 2, 'the first queries')
      await strategy?.stop()
      const asked = silent.queries.length
      await new Promise(resolve => setTimeout(resolve, 1500))
      expect(silent.queries.length).to.equal(asked)
    })
  })

  describe('answers too large for UDP', () => {
    it('reports an answer truncated over UDP that cannot be refetched as an error, never as no peers, and recovers', async () => {
      fake = await fakeDnsServer(true)
      const server = fake
      const events = start({ name: `peers.${DNSMASQ_ZONE}`, port: 4001 }, server.server)
      await waitFor(() => events.errors.length >= 2, 'two error events (a retry)')
      expect(events.rounds).to.deep.equal([])
      for (const error of events.errors) {
        expect(error).to.be.an.instanceOf(DiscoveryError)
        expect(error.message).to.include(server.server).and.include('TCP')
      }

      server.addresses = ['127.0.0.2', '127.0.0.3']
      server.truncate = false
      await waitFor(() => events.rounds.length > 0, 'a round once answers are whole')
      expect(keysOf(events.rounds[0])).to.deep.equal(['/ip4/127.0.0.2/tcp/4001', '/ip4/127.0.0.3/tcp/4001'])
    })

    it('receives all of 40 A records, which dnsmasq truncates over UDP', async () => {
      const name = `big.${DNSMASQ_ZONE}`
      const addresses = Array.from({ length: 40 }, (_, i) => `10.0.0.${i + 1}`)
      dns = await startDnsmasq({ hosts: { [name]: addresses } })
      const udp = await rawUdpQuery(dns.port, name)
      expect(udp.truncated, 'the UDP answer is truncated').to.be.true()
      expect(udp.answers).to.be.below(40)

      const events = start({ name, port: 4001 })
      await waitFor(() => events.rounds.length > 0, 'a first round')
      expect(keysOf(events.rounds[0])).to.have.members(addresses.map(ip => `/ip4/${ip}/tcp/4001`))
    })
  })

  describe("mode 'srv'", () => {
    it('skips targets that do not exist or have no address, and hands on the rest', async () => {
      const name = `_foundation._tcp.app.${DNSMASQ_ZONE}`
      dns = await startDnsmasq({
        hosts: { [`a.${DNSMASQ_ZONE}`]: ['127.0.0.2'] },
        txt: { [`text.${DNSMASQ_ZONE}`]: ['hello'] },
        srv: {
          [name]: [
            { target: `a.${DNSMASQ_ZONE}`, port: 4001 },
            { target: `ghost.${DNSMASQ_ZONE}`, port: 4002 },
            { target: `text.${DNSMASQ_ZONE}`, port: 4003 }
          ]
        }
      })
      const resolver = createResolver('dns', { servers: [dns.server], timeout: 2000 })
      const found = await lookupSrv(resolver, name, AbortSignal.timeout(5000))
      expect(found.candidates).to.deep.equal([{ addresses: ['/ip4/127.0.0.2/tcp/4001'] }])
      expect(found.skipped).to.deep.equal([
        `SRV target ghost.${DNSMASQ_ZONE} does not exist`,
        `SRV target text.${DNSMASQ_ZONE} has no A or AAAA record`
      ])
    })
  })

  describe("mode 'dnsaddr'", () => {
    it('follows nested /dnsaddr entries, keeping only the named peer where one is given', async () => {
      const [a, b, c, d, e] = await Promise.all(Array.from({ length: 5 }, newPeerId))
      dns = await startDnsmasq({
        txt: {
          [`_dnsaddr.app.${DNSMASQ_ZONE}`]: [`dnsaddr=/dnsaddr/inner.${DNSMASQ_ZONE}`, `dnsaddr=/ip4/127.0.0.2/tcp/4001/p2p/${a}`],
          [`_dnsaddr.inner.${DNSMASQ_ZONE}`]: [
            `dnsaddr=/dnsaddr/deeper.${DNSMASQ_ZONE}`,
            `dnsaddr=/ip4/127.0.0.3/tcp/4002/p2p/${b}`,
            `dnsaddr=/dnsaddr/shared.${DNSMASQ_ZONE}/p2p/${c}`
          ],
          [`_dnsaddr.deeper.${DNSMASQ_ZONE}`]: [`dnsaddr=/ip6/fd00::4/tcp/4004/p2p/${d}`],
          [`_dnsaddr.shared.${DNSMASQ_ZONE}`]: [`dnsaddr=/ip4/127.0.0.5/tcp/4005/p2p/${c}`, `dnsaddr=/ip4/127.0.0.6/tcp/4006/p2p/${e}`]
        }
      })
      const events = start({ name: `app.${DNSMASQ_ZONE}`, mode: 'dnsaddr' })
      await waitFor(() => events.rounds.length > 0, 'a first round')
      expect(events.errors).to.deep.equal([])
      const byPeer = Object.fromEntries(events.rounds[0].map(candidate => [candidate.peerId, candidate.addresses]))
      expect(byPeer).to.deep.equal({
        [a]: [`/ip4/127.0.0.2/tcp/4001/p2p/${a}`],
        [b]: [`/ip4/127.0.0.3/tcp/4002/p2p/${b}`],
        [c]: [`/ip4/127.0.0.5/tcp/4005/p2p/${c}`],
        [d]: [`/ip6/fd00::4/tcp/4004/p2p/${d}`]
      })
    })

    it('skips malformed entries, says how many, and hands on the rest', async () => {
      const peer = await newPeerId()
      const name = `app.${DNSMASQ_ZONE}`
      dns = await startDnsmasq({
        txt: {
          [`_dnsaddr.${name}`]: [
            'hello',
            'dnsaddr=not-a-multiaddr',
            'dnsaddr=/ip4/300.0.0.1/tcp/1',
            `dnsaddr=/dnsaddr/other.${DNSMASQ_ZONE}/tcp/4001`,
            `dnsaddr=/dnsaddr/ghost.${DNSMASQ_ZONE}`,
            `dnsaddr=/ip4/127.0.0.2/tcp/4001/p2p/${peer}`
          ]
        }
      })
      const lines: string[] = []
      const events = start({ name, mode: 'dnsaddr' }, dns.server, capturingLogger(lines))
      await waitFor(() => events.rounds.length > 0, 'a first round')
      expect(events.errors).to.deep.equal([])
      expect(events.rounds[0]).to.deep.equal([{ addresses: [`/ip4/127.0.0.2/tcp/4001/p2p/${peer}`], peerId: peer }])
      const report = lines.find(line => line.startsWith('skipped'))
      expect(report).to.include(`skipped 5 records under ${name}`)
        .and.include('"hello"').and.include('not-a-multiaddr').and.include('300.0.0.1')
        .and.include(`/dnsaddr/other.${DNSMASQ_ZONE}/tcp/4001`).and.include(`_dnsaddr.ghost.${DNSMASQ_ZONE} does not exist`)
    })

    it('stops following nested entries past its depth and lookup bounds', async () => {
      const leaves = Array.from({ length: MAX_DNSADDR_LOOKUPS + 8 }, (_, i) => `dnsaddr=/dnsaddr/leaf-${i}.${DNSMASQ_ZONE}`)
      dns = await startDnsmasq({
        txt: {
          [`_dnsaddr.loop.${DNSMASQ_ZONE}`]: [`dnsaddr=/dnsaddr/loop.${DNSMASQ_ZONE}`, 'dnsaddr=/ip4/127.0.0.2/tcp/4001'],
          [`_dnsaddr.wide.${DNSMASQ_ZONE}`]: leaves
        }
      })
      const resolver = createResolver('dns', { servers: [dns.server], timeout: 2000 })
      const loop = await lookupDnsaddr(resolver, `loop.${DNSMASQ_ZONE}`, AbortSignal.timeout(5000))
      expect(loop.candidates).to.have.length(MAX_DNSADDR_DEPTH + 1)
      expect(loop.skipped).to.deep.equal([`"/dnsaddr/loop.${DNSMASQ_ZONE}" at _dnsaddr.loop.${DNSMASQ_ZONE}: nested more than ${MAX_DNSADDR_DEPTH} deep`])

      const wide = await lookupDnsaddr(resolver, `wide.${DNSMASQ_ZONE}`, AbortSignal.timeout(5000))
      expect(wide.candidates).to.deep.equal([])
      expect(wide.skipped.filter(s => s.endsWith('does not exist'))).to.have.length(MAX_DNSADDR_LOOKUPS - 1)
      expect(wide.skipped.filter(s => s.endsWith(`past ${MAX_DNSADDR_LOOKUPS} lookups in one round`))).to.have.length(9)
    })

    it('names the _dnsaddr name that does not exist', async () => {
      dns = await startDnsmasq({})
      const events = start({ name: `missing.${DNSMASQ_ZONE}`, mode: 'dnsaddr' })
      await waitFor(() => events.errors.length > 0, 'an error event')
      expect(events.errors[0]).to.be.an.instanceOf(DnsNameNotFoundError)
      expect(events.errors[0].message).to.include(`_dnsaddr.missing.${DNSMASQ_ZONE} does not exist`)
    })
  })

  describe('configuration', () => {
    it('rejects a missing name, an unknown mode and a server that is not an address', () => {
      const make = (init: any): DnsDiscovery => new DnsDiscovery(components(selfId), init)
      expect(() => make({})).to.throw(DiscoveryError, /name/)
      expect(() => make({ name: 'app.internal', mode: 'aaaa' })).to.throw(DiscoveryError, /mode: "aaaa"/)
      expect(() => make({ name: 'app.internal', servers: ['dns.internal'] })).to.throw(InvalidDnsServerError, /dns\.internal/)
    })

    it('runs under another strategy name, which its errors carry', async () => {
      dns = await startDnsmasq({})
      strategy = new DnsDiscovery(components(selfId), { ...FAST, name: `missing.${DNSMASQ_ZONE}`, port: 4001, servers: [dns.server] }, 'kubernetes')
      const events = record(strategy)
      await strategy.start()
      await waitFor(() => events.errors.length > 0, 'an error event')
      expect(strategy.name).to.equal('kubernetes')
      expect(events.errors[0].strategy).to.equal('kubernetes')
      expect(events.errors[0].message).to.match(/^kubernetes discovery: /)
    })

    it('makes a stopped strategy from its factory', () => {
      const made = dnsDiscovery({ name: 'app.internal' })(components(selfId))
      expect(made).to.be.an.instanceOf(DnsDiscovery)
      expect(made.name).to.equal('dns')
      expect(made.isStarted()).to.be.false()
    })
  })
})

/** Asks for A records over UDP alone, as a resolver's first try does, and says whether the answer was cut short. */
async function rawUdpQuery (port: number, name: string): Promise<{ truncated: boolean, answers: number }> {
  const socket = dgram.createSocket('udp4')
  try {
    const labels = name.split('.').flatMap(label => [label.length, ...Buffer.from(label)])
    const query = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, 0, 1, 0, 1])
    const answer = new Promise<Buffer>((resolve, reject) => {
      socket.once('message', resolve)
      socket.once('error', reject)
      setTimeout(() => { reject(new Error('no UDP answer from dnsmasq')) }, 2000).unref()
    })
    socket.send(query, port, '127.0.0.1')
    const message = await answer
    return { truncated: (message[2] & 0x02) !== 0, answers: message.readUInt16BE(6) }
  } finally {
    socket.close()
  }
}
