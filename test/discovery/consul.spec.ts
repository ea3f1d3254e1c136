import http from 'node:http'
import { defaultLogger } from '@libp2p/logger'
import { expect } from 'aegir/chai'
import { ConsulConfigError, ConsulDiscovery } from '../../src/discovery/consul/index.ts'
import { DiscoveryForbiddenError, DiscoveryResponseError, DiscoveryUnreachableError } from '../../src/discovery/errors.ts'
import { getJson, redact } from '../../src/discovery/http/index.ts'
import { FakeConsul } from '../fixtures/fake-consul.ts'
import { discoveryCompliance } from './compliance.ts'
import { candidatesOf, errorOf } from './events.ts'
import type { ConsulEnv } from '../../src/discovery/consul/index.ts'
import type { ConsulInit } from '../../src/discovery/inits.ts'
import type { AddressInfo } from 'node:net'

const TOKEN = '7f3c1a52-0d1e-4b8a-9c6f-2e5d8b1a4c90'
const SELF = { peerId: '12D3KooWSelf', addresses: ['/ip4/10.1.0.9/tcp/4001/p2p/12D3KooWSelf'] }

interface Backend {
  fake: FakeConsul
  strategy(init?: Partial<ConsulInit>, env?: ConsulEnv): ConsulDiscovery
  close(): Promise<void>
}

/** A fake agent with ACLs on: TOKEN may read every service. */
async function backend (): Promise<Backend> {
  const fake = await FakeConsul.start()
  fake.acl = { [TOKEN]: { services: ['*'], nodeRead: true } }
  const started: ConsulDiscovery[] = []
  return {
    fake,
    strategy: (init = {}, env = {}) => {
      const strategy = new ConsulDiscovery(
        { logger: defaultLogger(), self: { peerId: SELF.peerId, name: 'self', addresses: () => SELF.addresses } },
        { service: 'shop', address: fake.url, token: TOKEN, interval: 200, timeout: 3000, minBackoff: 100, maxBackoff: 500, ...init },
        env
      )
      started.push(strategy)
      return strategy
    },
    close: async () => {
      await Promise.all(started.map(async s => { await s.stop() }))
      await fake.close()
    }
  }
}

discoveryCompliance('consul', async () => {
  const b = await backend()
  b.fake.register({ node: 'node-a', nodeAddress: '10.1.0.1', service: 'shop', address: '10.1.0.1', port: 4001 })
  // no service address: the node's is the one to dial
  b.fake.register({ node: 'node-b', nodeAddress: '10.1.0.2', service: 'shop', port: 4001 })
  // registered twice, under two ids: one peer twice
  b.fake.register({ node: 'node-b', nodeAddress: '10.1.0.2', service: 'shop', id: 'shop-b-again', address: '10.1.0.2', port: 4001 })
  b.fake.register({ node: 'node-self', nodeAddress: '10.1.0.9', service: 'shop', port: 4001 })
  b.fake.register({ node: 'node-c', nodeAddress: '10.1.0.3', service: 'shop', port: 4001, checks: ['critical'] })
  b.fake.register({ node: 'node-d', nodeAddress: '10.1.0.4', service: 'billing', port: 4001 })
  return {
    strategy: b.strategy(),
    expected: ['/ip4/10.1.0.1/tcp/4001', '/ip4/10.1.0.2/tcp/4001'],
    self: SELF,
    breakBackend: async () => { b.fake.fault = 'server-error' },
    repairBackend: async () => { b.fake.fault = undefined },
    close: b.close
  }
})

describe('consul discovery', function () {
  this.timeout(30_000)
  let b: Backend | undefined

  afterEach(async () => {
    await b?.close()
    b = undefined
  })

  it('asks for passing instances only, with the token in a header and never in the URL', async () => {
    b = await backend()
    b.fake.register({ node: 'a', nodeAddress: '10.1.0.1', service: 'shop', port: 4001 })
    b.fake.register({ node: 'b', nodeAddress: '10.1.0.2', service: 'shop', port: 4001, checks: ['passing', 'warning'] })
    b.fake.register({ node: 'c', nodeAddress: '10.1.0.3', service: 'shop', port: 4001, nodeHealth: 'critical' })
    const strategy = b.strategy()
    await strategy.start()
    expect(await candidatesOf(strategy)).to.deep.equal(['/ip4/10.1.0.1/tcp/4001'])
    const [request] = b.fake.requests
    expect(request.path).to.equal('/v1/health/service/shop')
    expect(request.query.get('passing')).to.equal('true')
    expect(request.token).to.equal(TOKEN)
    expect(request.query.has('token')).to.be.false()
  })

  it('dials the service address, the node address when the service has none, and host names by DNS', async () => {
    b = await backend()
    b.fake.register({ node: 'a', nodeAddress: '10.1.0.1', service: 'shop', address: '10.5.0.1', port: 4101 })
    b.fake.register({ node: 'b', nodeAddress: '10.1.0.2', service: 'shop', address: '', port: 4102 })
    b.fake.register({ node: 'c', nodeAddress: 'fd00::3', service: 'shop', port: 4103 })
    b.fake.register({ node: 'd', nodeAddress: '10.1.0.4', service: 'shop', address: 'shop-d.internal', port: 4104 })
    const strategy = b.strategy()
    await strategy.start()
    expect(await candidatesOf(strategy)).to.deep.equal([
      '/dns/shop-d.internal/tcp/4104',
      '/ip4/10.1.0.2/tcp/4102',
      '/ip4/10.5.0.1/tcp/4101',
      '/ip6/fd00::3/tcp/4103'
    ])
  })

  it('keeps to the instances carrying the tag', async () => {
    b = await backend()
    b.fake.register({ node: 'a', nodeAddress: '10.1.0.1', service: 'shop', port: 4001, tags: ['foundation', 'v2'] })
    b.fake.register({ node: 'b', nodeAddress: '10.1.0.2', service: 'shop', port: 4001, tags: ['v2'] })
    const strategy = b.strategy({ tag: 'foundation' })
    await strategy.start()
    expect(await candidatesOf(strategy)).to.deep.equal(['/ip4/10.1.0.1/tcp/4001'])
    expect(b.fake.requests[0].query.getAll('tag')).to.deep.equal(['foundation'])
  })

  it('asks the datacenter given, and says so when Consul knows no such datacenter', async () => {
    b = await backend()
    b.fake.register({ node: 'a', nodeAddress: '10.1.0.1', service: 'shop', port: 4001 })
    b.fake.register({ node: 'b', nodeAddress: '10.2.0.1', service: 'shop', port: 4001, datacenter: 'dc2' })
    const local = b.strategy()
    await local.start()
    expect(await candidatesOf(local)).to.deep.equal(['/ip4/10.1.0.1/tcp/4001'])
    await local.stop()
    const remote = b.strategy({ datacenter: 'dc2' })
    await remote.start()
    expect(await candidatesOf(remote)).to.deep.equal(['/ip4/10.2.0.1/tcp/4001'])
    expect(b.fake.requests.at(-1)?.query.get('dc')).to.equal('dc2')
    await remote.stop()
    const unknown = b.strategy({ datacenter: 'dc9' })
    await unknown.start()
    const error = await errorOf(unknown)
    expect(error).to.be.an.instanceOf(DiscoveryResponseError)
    expect(error.message).to.include('500').and.include('No path to datacenter').and.include('"dc9"')
  })

  it('says what the token needs when Consul does not know it, without the token', async () => {
    b = await backend()
    b.fake.register({ node: 'a', nodeAddress: '10.1.0.1', service: 'shop', port: 4001 })
    const strategy = b.strategy({ token: 'f00dbabe-0000-4000-8000-000000000000' })
    await strategy.start()
    const error = await errorOf(strategy)
    expect(error).to.be.an.instanceOf(DiscoveryForbiddenError)
    expect(error.message).to.include('403').and.include('ACL not found').and.include('service:read on "shop"').and.include('node:read')
    expect(error.message).to.not.include('f00dbabe')
    expect(error.cause).to.have.property('status', 403)
  })

  it('says what the token needs on Permission denied', async () => {
    b = await backend()
    b.fake.fault = 'permission-denied'
    const strategy = b.strategy()
    await strategy.start()
    const error = await errorOf(strategy)
    expect(error).to.be.an.instanceOf(DiscoveryForbiddenError)
    expect(error.message).to.include('Permission denied').and.include('service:read on "shop"').and.include('node:read')
    expect(error.message).to.not.include(TOKEN)
  })

  it('reports a token whose rules filter out every instance, rather than no peers', async () => {
    b = await backend()
    b.fake.acl = { [TOKEN]: { services: ['billing'], nodeRead: true } }
    b.fake.register({ node: 'a', nodeAddress: '10.1.0.1', service: 'shop', port: 4001 })
    const strategy = b.strategy()
    await strategy.start()
    const error = await errorOf(strategy)
    expect(error).to.be.an.instanceOf(DiscoveryForbiddenError)
    expect(error.message).to.include('service:read on "shop"')
    // a service with no instances at all is an empty answer, not an error
    const empty = b.strategy({ service: 'billing' })
    await empty.start()
    expect(await candidatesOf(empty)).to.deep.equal([])
  })

  it('reports malformed JSON and an agent that does not answer in time', async () => {
    b = await backend()
    b.fake.fault = 'malformed'
    const strategy = b.strategy({ timeout: 300 })
    await strategy.start()
    const malformed = await errorOf(strategy)
    expect(malformed).to.be.an.instanceOf(DiscoveryResponseError)
    expect(malformed.message).to.include('malformed JSON')
    b.fake.fault = 'hang'
    const hung = await errorOf(strategy)
    expect(hung).to.be.an.instanceOf(DiscoveryUnreachableError)
    expect(hung.message).to.include(`${b.fake.url}/v1/health/service/shop`).and.include('timeout')
  })

  it('names the URL when nothing listens there', async () => {
    b = await backend()
    const url = b.fake.url
    await b.fake.close()
    const strategy = b.strategy({ address: url })
    await strategy.start()
    const error = await errorOf(strategy)
    expect(error).to.be.an.instanceOf(DiscoveryUnreachableError)
    expect(error.message).to.include(url).and.include('refused')
  })

  it('reads the address and token from the environment as the Consul CLI does', async () => {
    b = await backend()
    b.fake.register({ node: 'a', nodeAddress: '10.1.0.1', service: 'shop', port: 4001 })
    const strategy = b.strategy({ address: undefined, token: undefined }, { CONSUL_HTTP_ADDR: new URL(b.fake.url).host, CONSUL_HTTP_TOKEN: TOKEN })
    await strategy.start()
    expect(await candidatesOf(strategy)).to.deep.equal(['/ip4/10.1.0.1/tcp/4001'])
    expect(b.fake.requests[0].token).to.equal(TOKEN)
  })

  it('names the option that cannot work', () => {
    const components = { logger: defaultLogger(), self: { peerId: SELF.peerId, name: 'self', addresses: () => SELF.addresses } }
    expect(() => new ConsulDiscovery(components, {}, {})).to.throw(ConsulConfigError).with.property('field', 'service')
    expect(() => new ConsulDiscovery(components, { service: 'shop', address: 'unix:///run/consul.sock' }, {})).to.throw(ConsulConfigError).with.property('field', 'address')
  })
})

describe('json over http', function () {
  this.timeout(30_000)
  let fake: FakeConsul | undefined

  afterEach(async () => {
    await fake?.close()
    fake = undefined
  })

  it('refuses an answer larger than the limit', async () => {
    fake = await FakeConsul.start()
    for (let i = 0; i < 20; i++) { fake.register({ node: `n${i}`, nodeAddress: `10.1.0.${i}`, service: 'shop', port: 4001 }) }
    const url = new URL('/v1/health/service/shop', fake.url)
    const whole = await getJson({ strategy: 'consul', url, signal: AbortSignal.timeout(5000) })
    expect(whole.body).to.have.length(20)
    const error = await getJson({ strategy: 'consul', url, signal: AbortSignal.timeout(5000), maxBytes: 1000 }).then(() => undefined, (err: Error) => err)
    expect(error).to.be.an.instanceOf(DiscoveryResponseError)
    expect(error?.message).to.include('1000 bytes')
  })

  it('refuses a streamed answer once it passes the limit', async () => {
    // chunked, with no content-length to refuse it by up front
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      for (let i = 0; i < 100; i++) { res.write(`${i === 0 ? '[' : ','}${JSON.stringify({ padding: 'x'.repeat(100) })}`) }
      res.end(']')
    })
    await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
    try {
      const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
      expect((await getJson({ strategy: 'consul', url, signal: AbortSignal.timeout(5000) })).body).to.have.length(100)
      const error = await getJson({ strategy: 'consul', url, signal: AbortSignal.timeout(5000), maxBytes: 2000 }).then(() => undefined, (err: Error) => err)
      expect(error).to.be.an.instanceOf(DiscoveryResponseError)
      expect(error?.message).to.include('more than the 2000 bytes accepted')
    } finally {
      server.closeAllConnections()
      await new Promise(resolve => { server.close(resolve) })
    }
  })

  it('keeps a credential out of what it shows, should a server echo it', () => {
    expect(redact('token abc-secret-123 is bad', 'abc-secret-123')).to.equal('token [redacted] is bad')
    expect(redact('bearer xyz-secret here', 'Bearer xyz-secret')).to.equal('bearer [redacted] here')
  })
})
