import { expect } from 'aegir/chai'
import { ConfigError } from '../../src/config/errors.ts'
import { resolveConfig } from '../../src/config/resolve.ts'
import { thrownBy } from './helpers.ts'
import type { FoundationInit } from '../../src/config/index.ts'

const FIXED = ['/ip4/0.0.0.0/tcp/4001']

function strategies (init: FoundationInit, env: Record<string, string> = {}): unknown {
  return resolveConfig(init, env).discovery.strategies
}

describe('config discovery selection', () => {
  it('runs what cluster names, primary first, each with its settings, and nothing else', () => {
    const discovery = resolveConfig({
      cluster: ['static', 'mdns'],
      discovery: { static: ['10.0.0.2:4001'], mdns: { interval: 250 }, consul: { service: 'unused' } }
    }, {}).discovery
    expect(discovery).to.deep.equal({
      strategies: [{ name: 'static', init: { peers: ['10.0.0.2:4001'] } }, { name: 'mdns', init: { interval: 250 } }],
      chosenBy: 'cluster',
      reason: 'cluster names static, mdns'
    })
  })

  it('takes one strategy as a string and drops duplicates', () => {
    expect(strategies({ cluster: 'mdns' })).to.deep.equal([{ name: 'mdns', init: { interval: 1000 } }])
    expect(strategies({ cluster: ['mdns', 'mdns', 'auto'] })).to.deep.equal([{ name: 'mdns', init: { interval: 1000 } }])
  })

  it('without cluster, runs the strategies discovery sets, in the order written', () => {
    const discovery = resolveConfig({ listen: FIXED, discovery: { kubernetes: true, mdns: false, dns: 'app.internal' } }, {}).discovery
    expect(discovery.chosenBy).to.equal('discovery')
    expect(discovery.strategies.map(s => s.name)).to.deep.equal(['kubernetes', 'dns'])
    expect(discovery.reason).to.equal('the discovery settings turn on kubernetes, dns')
  })

  it('runs nothing when mdns is turned off and nothing else is set', () => {
    const config = resolveConfig({ discovery: { mdns: false } }, {})
    expect(config.discovery).to.deep.equal({
      strategies: [],
      chosenBy: 'profile',
      reason: 'discovery.mdns is false and no other strategy is set: no discovery (connect() still works)'
    })
  })

  it('refuses a strategy cluster names but discovery turns off', () => {
    const err = thrownBy(() => resolveConfig({ cluster: 'mdns', discovery: { mdns: false } }, {}))
    expect(err).to.be.an.instanceOf(ConfigError).with.property('field', 'discovery.mdns')
    expect(err.message).to.include('cluster names mdns')
  })
})

describe('config discovery defaults', () => {
  it('static: validated peers, else FOUNDATION_PEERS, else an error', () => {
    expect(strategies({ cluster: 'static' }, { FOUNDATION_PEERS: '10.0.0.2:4001,10.0.0.3:4001' }))
      .to.deep.equal([{ name: 'static', init: { peers: ['10.0.0.2:4001', '10.0.0.3:4001'] } }])
    const none = thrownBy(() => resolveConfig({ cluster: 'static' }, {}))
    expect(none).to.have.property('field', 'discovery.static.peers')
    expect(none.message).to.include('FOUNDATION_PEERS')
    expect(thrownBy(() => resolveConfig({ discovery: { static: [] } }, {}))).to.have.property('field', 'discovery.static.peers')
    expect(thrownBy(() => resolveConfig({ discovery: { static: { peers: ['10.0.0.2:4001', '/ip4/10.0.0.3/tcp/4001', 'node-3'], interval: 200 } } }, {})))
      .to.have.property('field', 'discovery.static.peers[2]')
  })

  it('dns: a name required, mode a dialled at this node\'s fixed port', () => {
    expect(strategies({ listen: ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/4005'], discovery: { dns: 'app.internal' } }))
      .to.deep.equal([{ name: 'dns', init: { name: 'app.internal', mode: 'a', port: 4005 } }])
    expect(strategies({ discovery: { dns: { name: '_p2p._tcp.app.internal', mode: 'srv' } } }))
      .to.deep.equal([{ name: 'dns', init: { name: '_p2p._tcp.app.internal', mode: 'srv' } }])
    const noName = thrownBy(() => resolveConfig({ cluster: 'dns' }, {}))
    expect(noName).to.have.property('field', 'discovery.dns.name')
    expect(noName.message).to.include('FOUNDATION_DNS_NAME')
  })

  for (const name of ['dns', 'kubernetes', 'aws', 'gcp'] as const) {
    it(`${name}: without a fixed listen port, says to set a port or listen on one`, () => {
      const err = thrownBy(() => resolveConfig({ cluster: name, discovery: name === 'dns' ? { dns: 'app.internal' } : {} }, {}))
      expect(err).to.be.an.instanceOf(ConfigError).with.property('field', `discovery.${name}.port`)
      expect(err.message).to.include(`set discovery.${name}.port`).and.include('listen on a fixed port').and.include('/ip4/0.0.0.0/tcp/0')
    })
  }

  it('kubernetes: pods by the cluster\'s label, the API server from the pod\'s environment', () => {
    expect(strategies({ clusterName: 'shop', listen: FIXED, cluster: 'kubernetes' }, { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '6443' }))
      .to.deep.equal([{ name: 'kubernetes', init: { mode: 'pods', selector: 'foundation.cluster=shop', port: 4001, apiServer: 'https://10.96.0.1:6443' } }])
    expect(strategies({ listen: FIXED, cluster: 'kubernetes', discovery: { kubernetes: { port: 'p2p', namespace: 'prod' } } }, { KUBERNETES_SERVICE_HOST: 'fd00::1' }))
      .to.deep.equal([{ name: 'kubernetes', init: { mode: 'pods', selector: 'foundation.cluster=foundation', port: 'p2p', namespace: 'prod', apiServer: 'https://[fd00::1]:443' } }])
  })

  for (const mode of ['endpoints', 'dns'] as const) {
    it(`kubernetes: mode ${mode} needs a service`, () => {
      const err = thrownBy(() => resolveConfig({ listen: FIXED, discovery: { kubernetes: { mode } } }, {}))
      expect(err).to.have.property('field', 'discovery.kubernetes.service')
      expect(err.message).to.include(`mode '${mode}'`)
      expect(strategies({ listen: FIXED, discovery: { kubernetes: { mode, service: 'shop' } } }))
        .to.have.nested.property('[0].init.service', 'shop')
    })
  }

  it('consul: the cluster\'s service at CONSUL_HTTP_ADDR with CONSUL_HTTP_TOKEN', () => {
    expect(strategies({ clusterName: 'shop', cluster: 'consul' }))
      .to.deep.equal([{ name: 'consul', init: { service: 'shop', address: 'http://127.0.0.1:8500' } }])
    expect(strategies({ cluster: 'consul' }, { CONSUL_HTTP_ADDR: 'consul.service:8500', CONSUL_HTTP_TOKEN: 'acl-token-1' }))
      .to.deep.equal([{ name: 'consul', init: { service: 'foundation', address: 'http://consul.service:8500', token: 'acl-token-1' } }])
    expect(strategies({ cluster: 'consul' }, { CONSUL_HTTP_ADDR: '10.0.0.5:8501', CONSUL_HTTP_SSL: 'true' }))
      .to.have.nested.property('[0].init.address', 'https://10.0.0.5:8501')
    expect(strategies({ cluster: 'consul', discovery: { consul: { address: 'consul.service:8500' } } }, { CONSUL_HTTP_SSL: '1' }))
      .to.have.nested.property('[0].init.address', 'https://consul.service:8500')
    expect(strategies({ cluster: 'consul', discovery: { consul: { address: 'https://consul.example:8501', token: 'mine' } } }, { CONSUL_HTTP_ADDR: 'other:8500', CONSUL_HTTP_TOKEN: 'theirs' }))
      .to.deep.equal([{ name: 'consul', init: { service: 'foundation', address: 'https://consul.example:8501', token: 'mine' } }])
    expect(thrownBy(() => resolveConfig({ cluster: 'consul' }, { CONSUL_HTTP_ADDR: 'not a host:x' }))).to.have.property('field', 'CONSUL_HTTP_ADDR')
  })

  it('etcd: endpoints from ETCD_ENDPOINTS, a prefix per cluster, a 10 s lease', () => {
    expect(strategies({ clusterName: 'shop', cluster: 'etcd' }))
      .to.deep.equal([{ name: 'etcd', init: { endpoints: ['http://127.0.0.1:2379'], prefix: '/foundation/shop/nodes/', ttl: 10_000 } }])
    expect(strategies({ cluster: 'etcd' }, { ETCD_ENDPOINTS: 'http://10.0.0.1:2379, 10.0.0.2:2379' }))
      .to.have.deep.nested.property('[0].init.endpoints', ['http://10.0.0.1:2379', 'http://10.0.0.2:2379'])
  })

  it('aws: the cluster\'s tag, AWS_REGION, private addresses', () => {
    expect(strategies({ clusterName: 'shop', listen: FIXED, cluster: 'aws' }, { AWS_REGION: 'eu-west-1' }))
      .to.deep.equal([{ name: 'aws', init: { tags: { 'foundation-cluster': 'shop' }, port: 4001, addressType: 'private', region: 'eu-west-1' } }])
  })

  it('gcp: the cluster\'s label (lowercase), GOOGLE_CLOUD_PROJECT', () => {
    expect(strategies({ clusterName: 'Shop', listen: FIXED, cluster: 'gcp' }, { GOOGLE_CLOUD_PROJECT: 'acme-prod' }))
      .to.deep.equal([{ name: 'gcp', init: { labels: { 'foundation-cluster': 'shop' }, port: 4001, project: 'acme-prod' } }])
    expect(strategies({ listen: FIXED, discovery: { gcp: { apiEndpoint: '127.0.0.1:8080' } } }))
      .to.have.nested.property('[0].init.apiEndpoint', '127.0.0.1:8080')
  })

  it('keeps the polling settings of a strategy', () => {
    expect(strategies({ cluster: 'etcd', discovery: { etcd: { minBackoff: 100, maxBackoff: 1000, auth: { username: 'u', password: 'p' } } } }))
      .to.have.deep.nested.property('[0].init.auth', { username: 'u', password: 'p' })
    expect(strategies({ listen: FIXED, discovery: { aws: { interval: 300, timeout: 200, port: 5000 } } }))
      .to.have.deep.nested.property('[0].init').that.includes({ interval: 300, timeout: 200, port: 5000 })
  })
})
