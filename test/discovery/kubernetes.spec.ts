import http from 'node:http'
import { defaultLogger } from '@libp2p/logger'
import { expect } from 'aegir/chai'
import { DiscoveryForbiddenError, DiscoveryResponseError, DiscoveryUnreachableError } from '../../src/discovery/errors.ts'
import { DiscoveryTlsError } from '../../src/discovery/http/errors.ts'
import { createKubernetesDiscovery, KubernetesConfigError, KubernetesDiscovery, PAGE_SIZE, RBAC_EXAMPLE, kubernetesDnsDiscovery } from '../../src/discovery/kubernetes/index.ts'
import { DNSMASQ_ZONE, startDnsmasq } from '../fixtures/dnsmasq.ts'
import { endpointSlice, FakeKubernetes, pod, serviceAccountDir } from '../fixtures/fake-kubernetes.ts'
import { createTestCa } from '../fixtures/test-ca.ts'
import { discoveryCompliance } from './compliance.ts'
import { candidatesOf, errorOf, nextRound } from './events.ts'
import type { DiscoveryStrategy } from '../../src/discovery/index.ts'
import type { KubernetesInit } from '../../src/discovery/inits.ts'
import type { ServiceAccountDir } from '../fixtures/fake-kubernetes.ts'
import type { TestCa } from '../fixtures/test-ca.ts'
import type { AddressInfo } from 'node:net'

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.first-token.signature'
const SELF = { peerId: '12D3KooWSelf', addresses: ['/ip4/10.1.0.9/tcp/4001/p2p/12D3KooWSelf'] }
const CLUSTER = { 'foundation.cluster': 'shop' }

let ca: Promise<TestCa> | undefined
/** One CA for the whole file: making one takes openssl a moment. */
async function testCa (): Promise<TestCa> {
  ca ??= createTestCa()
  return ca
}

interface Backend {
  fake: FakeKubernetes
  account: ServiceAccountDir
  strategy(init?: Partial<KubernetesInit>): KubernetesDiscovery
  close(): Promise<void>
}

/** A fake API server and a service account folder (namespace "shop") trusting its CA. */
async function backend (): Promise<Backend> {
  const tls = await testCa()
  const fake = await FakeKubernetes.start({ tls, token: TOKEN })
  const account = await serviceAccountDir({ token: TOKEN, ca: tls.ca, namespace: 'shop' })
  const started: KubernetesDiscovery[] = []
  return {
    fake,
    account,
    strategy: (init = {}) => {
      const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: new URL(fake.url).port }
      const strategy = new KubernetesDiscovery(
        { logger: defaultLogger(), self: { peerId: SELF.peerId, name: 'self', addresses: () => SELF.addresses } },
        { selector: 'foundation.cluster=shop', port: 4001, serviceAccountPath: account.path, interval: 200, timeout: 3000, minBackoff: 100, maxBackoff: 500, ...init },
        env
      )
      started.push(strategy)
      return strategy
    },
    close: async () => {
      await Promise.all(started.map(async s => { await s.stop() }))
      await fake.close()
      await account.remove()
    }
  }
}

discoveryCompliance('kubernetes pods', async () => {
  const b = await backend()
  b.fake.setPods('shop', [
    pod({ name: 'shop-a', ip: '10.1.0.1', labels: CLUSTER }),
    pod({ name: 'shop-b', ip: '10.1.0.2', labels: CLUSTER }),
    // a host-network pod on the same node lists the same IP: one peer twice
    pod({ name: 'shop-b-hostnet', ip: '10.1.0.2', labels: CLUSTER }),
    pod({ name: 'shop-self', ip: '10.1.0.9', labels: CLUSTER }),
    pod({ name: 'billing-a', ip: '10.1.0.50', labels: { 'foundation.cluster': 'billing' } })
  ])
  return {
    strategy: b.strategy(),
    expected: ['/ip4/10.1.0.1/tcp/4001', '/ip4/10.1.0.2/tcp/4001'],
    self: SELF,
    breakBackend: async () => { b.fake.fault = 'server-error' },
    repairBackend: async () => { b.fake.fault = undefined },
    close: b.close
  }
})

discoveryCompliance('kubernetes endpoints', async () => {
  const b = await backend()
  const ports = [{ name: 'p2p', port: 4001 }, { name: 'http', port: 8080 }]
  b.fake.setEndpointSlices('shop', [
    endpointSlice({ name: 'shop-abc', service: 'shop', ports, endpoints: [{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }, { ip: '10.1.0.9' }] }),
    // while slices are rebalanced an endpoint can sit in two of them: one peer twice
    endpointSlice({ name: 'shop-def', service: 'shop', ports, endpoints: [{ ip: '10.1.0.2' }] }),
    endpointSlice({ name: 'billing-abc', service: 'billing', ports, endpoints: [{ ip: '10.1.0.50' }] })
  ])
  return {
    strategy: b.strategy({ mode: 'endpoints', service: 'shop', port: 'p2p' }),
    expected: ['/ip4/10.1.0.1/tcp/4001', '/ip4/10.1.0.2/tcp/4001'],
    self: SELF,
    breakBackend: async () => { b.fake.fault = 'too-many-requests' },
    repairBackend: async () => { b.fake.fault = undefined },
    close: b.close
  }
})

const SERVICE_NAME = `shop.shop.svc.${DNSMASQ_ZONE}`

/** Mode 'dns' against a real dnsmasq that serves the zone in place of cluster.local. */
async function dnsSubject (records: Parameters<typeof startDnsmasq>[0], init: Partial<KubernetesInit> = {}): Promise<{ strategy: DiscoveryStrategy, dns: Awaited<ReturnType<typeof startDnsmasq>>, close(): Promise<void> }> {
  const account = await serviceAccountDir({ token: TOKEN, ca: '', namespace: 'shop' })
  const dns = await startDnsmasq(records)
  const strategy = kubernetesDnsDiscovery(
    { logger: defaultLogger(), self: { peerId: SELF.peerId, name: 'self', addresses: () => SELF.addresses } },
    { mode: 'dns', service: 'shop', clusterDomain: DNSMASQ_ZONE, serviceAccountPath: account.path, interval: 200, timeout: 2000, minBackoff: 100, maxBackoff: 500, ...init },
    { servers: [dns.server] }
  )
  return {
    strategy,
    dns,
    close: async () => {
      await strategy.stop()
      await dns.stop()
      await account.remove()
    }
  }
}

discoveryCompliance('kubernetes dns', async () => {
  // no port: peers listen where this node does (4001); a repeated hosts line is one peer twice
  const { strategy, dns, close } = await dnsSubject({ hosts: { [SERVICE_NAME]: ['10.1.0.1', '10.1.0.2', '10.1.0.2', '10.1.0.9'] } })
  return {
    strategy,
    expected: ['/ip4/10.1.0.1/tcp/4001', '/ip4/10.1.0.2/tcp/4001'],
    self: SELF,
    breakBackend: async () => { await dns.kill() },
    repairBackend: async () => { await dns.restart() },
    close
  }
})

describe('kubernetes discovery', function () {
  this.timeout(30_000)
  let b: Backend | undefined

  afterEach(async () => {
    await b?.close()
    b = undefined
  })

  describe('pods', () => {
    it('never hands on a pod that is not ready, terminating, pending or without an IP', async () => {
      b = await backend()
      b.fake.setPods('shop', [
        pod({ name: 'ready', ip: '10.1.0.1', labels: CLUSTER }),
        pod({ name: 'not-ready', ip: '10.1.0.2', labels: CLUSTER, ready: false }),
        // still Running and Ready, as a pod is in the moment after its deletion is asked for
        pod({ name: 'terminating', ip: '10.1.0.3', labels: CLUSTER, deleting: true }),
        pod({ name: 'pending', ip: '10.1.0.4', labels: CLUSTER, phase: 'Pending' }),
        pod({ name: 'no-ip', labels: CLUSTER }),
        pod({ name: 'done', ip: '10.1.0.5', labels: CLUSTER, phase: 'Succeeded', ready: false })
      ])
      const strategy = b.strategy()
      await strategy.start()
      for (let round = 0; round < 3; round++) {
        expect(await candidatesOf(strategy), `round ${round}`).to.deep.equal(['/ip4/10.1.0.1/tcp/4001'])
      }
    })

    it('hands on both addresses of a dual-stack pod as one candidate', async () => {
      b = await backend()
      b.fake.setPods('shop', [pod({ name: 'dual', ips: ['10.1.0.1', 'fd00::1'], labels: CLUSTER })])
      const strategy = b.strategy()
      await strategy.start()
      const round = await nextRound(strategy)
      expect(round.candidates).to.deep.equal([{ addresses: ['/ip4/10.1.0.1/tcp/4001', '/ip6/fd00::1/tcp/4001'] }])
    })

    it('reads all pages of a long listing', async () => {
      b = await backend()
      const count = 2 * PAGE_SIZE + 100
      b.fake.setPods('shop', Array.from({ length: count }, (_, i) => pod({ name: `shop-${String(i).padStart(4, '0')}`, ip: `10.2.${i >> 8}.${i & 255}`, labels: CLUSTER })))
      const strategy = b.strategy()
      await strategy.start()
      expect(await candidatesOf(strategy)).to.have.length(count)
      const listing = b.fake.requests.slice(0, 3)
      expect(listing.map(r => r.status)).to.deep.equal([200, 200, 200])
      expect(listing.map(r => r.continue != null)).to.deep.equal([false, true, true])
      expect(listing.every(r => r.limit === PAGE_SIZE && r.labelSelector === 'foundation.cluster=shop' && r.namespace === 'shop')).to.be.true()
      // the second round starts over without a continue token
      await nextRound(strategy)
      expect(b.fake.requests[3].continue).to.be.undefined()
    })

    it('starts the listing over when its continue token expires', async () => {
      b = await backend()
      const pods = Array.from({ length: 2 * PAGE_SIZE + 1 }, (_, i) => pod({ name: `shop-${String(i).padStart(4, '0')}`, ip: `10.2.${i >> 8}.${i & 255}`, labels: CLUSTER }))
      b.fake.setPods('shop', pods)
      const fake = b.fake
      fake.onServe = (request) => {
        if (fake.requests.length !== 1) { return }
        // between the first and second page a pod is added and the snapshot the token points into is compacted
        fake.setPods('shop', [...pods, pod({ name: 'shop-new', ip: '10.3.0.1', labels: CLUSTER })])
        fake.compact()
      }
      const strategy = b.strategy()
      await strategy.start()
      const found = await candidatesOf(strategy)
      expect(found).to.have.length(pods.length + 1)
      expect(found).to.include('/ip4/10.3.0.1/tcp/4001')
      expect(fake.requests.slice(0, 5).map(r => [r.status, r.continue != null])).to.deep.equal([
        [200, false], [410, true], [200, false], [200, true], [200, true]
      ])
    })

    it('dials each pod at its own container port of the given name', async () => {
      b = await backend()
      b.fake.setPods('shop', [
        pod({ name: 'a', ip: '10.1.0.1', labels: CLUSTER, ports: [{ name: 'http', containerPort: 8080 }, { name: 'p2p', containerPort: 4100 }] }),
        pod({ name: 'b', ip: '10.1.0.2', labels: CLUSTER, ports: [{ name: 'p2p', containerPort: 4200 }] }),
        pod({ name: 'c', ip: '10.1.0.3', labels: CLUSTER, ports: [{ name: 'p2p', containerPort: 4300, protocol: 'UDP' }] }),
        pod({ name: 'd', ip: '10.1.0.4', labels: CLUSTER, ports: [{ containerPort: 4400 }] })
      ])
      const strategy = b.strategy({ port: 'p2p' })
      await strategy.start()
      expect(await candidatesOf(strategy)).to.deep.equal(['/ip4/10.1.0.1/tcp/4100', '/ip4/10.1.0.2/tcp/4200'])
    })

    it('sends the token only over https: over plain http (kubectl proxy) the proxy authenticates', async () => {
      b = await backend()
      const seen: Array<string | undefined> = []
      const proxy = http.createServer((req, res) => {
        seen.push(req.headers.authorization)
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: [pod({ name: 'a', ip: '10.1.0.1', labels: CLUSTER })] }))
      })
      await new Promise<void>(resolve => { proxy.listen(0, '127.0.0.1', resolve) })
      try {
        const strategy = b.strategy({ apiServer: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` })
        await strategy.start()
        expect(await candidatesOf(strategy)).to.deep.equal(['/ip4/10.1.0.1/tcp/4001'])
        await strategy.stop()
        expect(seen).to.have.length.greaterThan(0)
        expect(seen.every(header => header == null)).to.be.true()
      } finally {
        proxy.closeAllConnections()
        await new Promise(resolve => { proxy.close(resolve) })
      }
    })

    it('takes the namespace from the service account unless one is given', async () => {
      b = await backend()
      b.fake.setPods('shop', [pod({ name: 'a', ip: '10.1.0.1', labels: CLUSTER })])
      b.fake.setPods('other', [pod({ name: 'b', ip: '10.1.0.2', labels: CLUSTER })])
      const own = b.strategy()
      await own.start()
      expect(await candidatesOf(own)).to.deep.equal(['/ip4/10.1.0.1/tcp/4001'])
      await own.stop()
      const other = b.strategy({ namespace: 'other' })
      await other.start()
      expect(await candidatesOf(other)).to.deep.equal(['/ip4/10.1.0.2/tcp/4001'])
      expect(new Set(b.fake.requests.map(r => r.namespace))).to.deep.equal(new Set(['shop', 'other']))
    })
  })

  describe('endpoints', () => {
    it('hands on ready endpoints, absent readiness counting as ready, and never terminating ones', async () => {
      b = await backend()
      b.fake.setEndpointSlices('shop', [endpointSlice({
        name: 'shop-abc',
        service: 'shop',
        ports: [{ name: 'p2p', port: 4001 }],
        endpoints: [
          { ip: '10.1.0.1', ready: true },
          { ip: '10.1.0.2' },
          { ip: '10.1.0.3', ready: false },
          { ip: '10.1.0.4', ready: false, terminating: true },
          // terminating decides even where readiness was left out
          { ip: '10.1.0.5', terminating: true }
        ]
      })])
      const strategy = b.strategy({ mode: 'endpoints', service: 'shop', port: 'p2p' })
      await strategy.start()
      expect(await candidatesOf(strategy)).to.deep.equal(['/ip4/10.1.0.1/tcp/4001', '/ip4/10.1.0.2/tcp/4001'])
      expect(b.fake.requests[0].labelSelector).to.equal('kubernetes.io/service-name=shop')
    })

    it('merges the IPv4 and IPv6 slices of one pod, and reads the named port of each slice', async () => {
      b = await backend()
      const podA = { name: 'shop-a', uid: 'uid-a' }
      const podB = { name: 'shop-b', uid: 'uid-b' }
      b.fake.setEndpointSlices('shop', [
        endpointSlice({ name: 'shop-v4', service: 'shop', ports: [{ name: 'p2p', port: 4001 }], endpoints: [{ ip: '10.1.0.1', pod: podA }, { ip: '10.1.0.2', pod: podB }] }),
        endpointSlice({ name: 'shop-v6', service: 'shop', addressType: 'IPv6', ports: [{ name: 'p2p', port: 4001 }], endpoints: [{ ip: 'fd00::1', pod: podA }] }),
        endpointSlice({ name: 'shop-other-port', service: 'shop', ports: [{ name: 'http', port: 8080 }], endpoints: [{ ip: '10.1.0.3' }] })
      ])
      const strategy = b.strategy({ mode: 'endpoints', service: 'shop', port: 'p2p' })
      await strategy.start()
      const round = await nextRound(strategy)
      expect(round.candidates).to.deep.equal([
        { addresses: ['/ip4/10.1.0.1/tcp/4001', '/ip6/fd00::1/tcp/4001'] },
        { addresses: ['/ip4/10.1.0.2/tcp/4001'] }
      ])
    })
  })

  describe('dns', () => {
    it('looks up the SRV records of a named port, under the kubernetes name', async () => {
      const subject = await dnsSubject({
        hosts: { [`shop-0.${SERVICE_NAME}`]: ['10.1.0.1'], [`shop-1.${SERVICE_NAME}`]: ['10.1.0.2'] },
        srv: { [`_p2p._tcp.${SERVICE_NAME}`]: [{ target: `shop-0.${SERVICE_NAME}`, port: 4100 }, { target: `shop-1.${SERVICE_NAME}`, port: 4200 }] }
      }, { port: 'p2p' })
      try {
        expect(subject.strategy.name).to.equal('kubernetes')
        await subject.strategy.start()
        expect(await candidatesOf(subject.strategy)).to.deep.equal(['/ip4/10.1.0.1/tcp/4100', '/ip4/10.1.0.2/tcp/4200'])
      } finally {
        await subject.close()
      }
    })

    it('asks for the namespace given over the service account\'s, and names itself kubernetes in errors', async () => {
      const subject = await dnsSubject({ hosts: { [SERVICE_NAME]: ['10.1.0.1'], [`shop.billing.svc.${DNSMASQ_ZONE}`]: ['10.1.0.5'] } }, { namespace: 'billing', port: 4500 })
      try {
        await subject.strategy.start()
        expect(await candidatesOf(subject.strategy)).to.deep.equal(['/ip4/10.1.0.5/tcp/4500'])
        await subject.dns.kill()
        const error = await errorOf(subject.strategy)
        expect(error.strategy).to.equal('kubernetes')
        expect(error.message).to.match(/^kubernetes discovery: /).and.include(`shop.billing.svc.${DNSMASQ_ZONE}`)
      } finally {
        await subject.close()
      }
    })

    it('is what the factory makes for mode dns, and needs a service', () => {
      const components = { logger: defaultLogger(), self: { peerId: SELF.peerId, name: 'self', addresses: () => SELF.addresses } }
      const strategy = createKubernetesDiscovery(components, { mode: 'dns', service: 'shop', namespace: 'shop' }, {})
      expect(strategy.name).to.equal('kubernetes')
      expect(strategy).to.not.be.an.instanceOf(KubernetesDiscovery)
      expect(() => createKubernetesDiscovery(components, { mode: 'dns' }, {})).to.throw(KubernetesConfigError).with.property('field', 'service')
      expect(() => new KubernetesDiscovery(components, { mode: 'dns', service: 'shop' }, {})).to.throw(KubernetesConfigError).with.property('field', 'mode')
    })
  })

  describe('failures', () => {
    it('says which RBAC rule is missing on 403, without the token', async () => {
      b = await backend()
      b.fake.fault = 'forbidden'
      const pods = b.strategy()
      await pods.start()
      const error = await errorOf(pods)
      expect(error).to.be.an.instanceOf(DiscoveryForbiddenError)
      expect(error.name).to.equal('DiscoveryForbiddenError')
      for (const part of ['verb "list"', 'resource "pods"', 'API group "" (the core group)', 'namespace "shop"', 'system:serviceaccount:shop:default', RBAC_EXAMPLE]) {
        expect(error.message).to.include(part)
      }
      expect(error.message).to.not.include(TOKEN)
      expect(error.message).to.not.include('first-token')
      expect(error.cause).to.have.property('status', 403)
      await pods.stop()

      const endpoints = b.strategy({ mode: 'endpoints', service: 'shop' })
      await endpoints.start()
      const sliceError = await errorOf(endpoints)
      expect(sliceError).to.be.an.instanceOf(DiscoveryForbiddenError)
      expect(sliceError.message).to.include('resource "endpointslices"').and.include('API group "discovery.k8s.io"')
    })

    it('names the token file on 401, whether the token is wrong or missing', async () => {
      b = await backend()
      await b.account.writeToken('not-the-token-the-server-knows')
      const strategy = b.strategy()
      await strategy.start()
      const error = await errorOf(strategy)
      expect(error).to.be.an.instanceOf(DiscoveryForbiddenError)
      expect(error.message).to.include('401').and.include(`${b.account.path}/token`).and.include('refused')
      expect(error.message).to.not.include('not-the-token-the-server-knows')
      await strategy.stop()

      const { rm } = await import('node:fs/promises')
      await rm(`${b.account.path}/token`)
      await strategy.start()
      const missing = await errorOf(strategy)
      expect(missing.message).to.include('no service account token').and.include(`${b.account.path}/token`)
    })

    it('reads the token afresh each round, so a rotated token is used without a restart', async () => {
      b = await backend()
      b.fake.setPods('shop', [pod({ name: 'a', ip: '10.1.0.1', labels: CLUSTER })])
      const strategy = b.strategy()
      await strategy.start()
      expect(await candidatesOf(strategy)).to.deep.equal(['/ip4/10.1.0.1/tcp/4001'])
      // the old token stops working before the kubelet has written the new one
      b.fake.token = 'second-token'
      expect(await errorOf(strategy)).to.be.an.instanceOf(DiscoveryForbiddenError)
      await b.account.writeToken('second-token\n')
      expect(await candidatesOf(strategy)).to.deep.equal(['/ip4/10.1.0.1/tcp/4001'])
    })

    it('reports 5xx, 429 and malformed JSON as response errors with the status', async () => {
      b = await backend()
      const strategy = b.strategy()
      const cases = [
        ['server-error', '500 InternalError'],
        ['too-many-requests', '429 TooManyRequests'],
        ['malformed', 'malformed JSON']
      ] as const
      for (const [fault, text] of cases) {
        b.fake.fault = fault
        await strategy.start()
        const error = await errorOf(strategy)
        expect(error, fault).to.be.an.instanceOf(DiscoveryResponseError)
        expect(error.message, fault).to.include(text)
        await strategy.stop()
      }
    })

    it('gives up on a server that does not answer within the timeout', async () => {
      b = await backend()
      b.fake.fault = 'hang'
      const strategy = b.strategy({ timeout: 300 })
      await strategy.start()
      const error = await errorOf(strategy)
      expect(error).to.be.an.instanceOf(DiscoveryUnreachableError)
      expect(error.message).to.include(`${b.fake.url}/api/v1/namespaces/shop/pods`).and.include('timeout')
    })

    it('refuses a server whose certificate the service account CA did not sign', async () => {
      b = await backend()
      const other = await createTestCa('another cluster')
      const account = await serviceAccountDir({ token: TOKEN, ca: other.ca, namespace: 'shop' })
      try {
        const strategy = b.strategy({ serviceAccountPath: account.path })
        await strategy.start()
        const error = await errorOf(strategy)
        await strategy.stop()
        expect(error).to.be.an.instanceOf(DiscoveryUnreachableError).and.an.instanceOf(DiscoveryTlsError)
        expect(error).to.have.property('code', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')
        expect(error.message).to.include('TLS').and.include(`${account.path}/ca.crt`).and.include(b.fake.url)
        // the token never went to a server it could not verify
        expect(b.fake.requests).to.deep.equal([])
      } finally {
        await account.remove()
      }
    })

    it('names the URL when the API server refuses the connection', async () => {
      b = await backend()
      const url = b.fake.url
      await b.fake.close()
      const strategy = b.strategy({ apiServer: url })
      await strategy.start()
      const error = await errorOf(strategy)
      expect(error).to.be.an.instanceOf(DiscoveryUnreachableError)
      expect(error.message).to.include(url).and.include('refused')
    })
  })

  describe('configuration', () => {
    const components = { logger: defaultLogger(), self: { peerId: SELF.peerId, name: 'self', addresses: () => SELF.addresses } }
    const env = { KUBERNETES_SERVICE_HOST: 'fd00::10', KUBERNETES_SERVICE_PORT: '6443' }

    it('names the option that cannot work', () => {
      const cases: Array<[KubernetesInit, Record<string, string>, string]> = [
        [{ mode: 'pods' }, env, 'selector'],
        [{ mode: 'endpoints' }, env, 'service'],
        [{ selector: 'a=b', port: 70000 }, env, 'port'],
        [{ selector: 'a=b' }, {}, 'apiServer'],
        [{ selector: 'a=b', apiServer: 'ftp://x' }, env, 'apiServer'],
        [{ selector: 'a=b', mode: 'nodes' as 'pods' }, env, 'mode']
      ]
      for (const [init, vars, field] of cases) {
        expect(() => new KubernetesDiscovery(components, init, vars), field).to.throw(KubernetesConfigError).with.property('field', field)
      }
    })

    it('finds the API server in the environment, IPv6 included', async () => {
      b = await backend()
      // the fake listens on 127.0.0.1 only, so [::1] at its port refuses: the URL in the error shows where it asked
      const port = new URL(b.fake.url).port
      const strategy = new KubernetesDiscovery(components, { selector: 'a=b', port: 4001, serviceAccountPath: b.account.path, timeout: 1000 }, { KUBERNETES_SERVICE_HOST: '::1', KUBERNETES_SERVICE_PORT: port })
      try {
        await strategy.start()
        const error = await errorOf(strategy)
        expect(error).to.be.an.instanceOf(DiscoveryUnreachableError)
        expect(error.message).to.include(`https://[::1]:${port}/api/v1/namespaces/shop/pods`)
      } finally {
        await strategy.stop()
      }
    })
  })
})
