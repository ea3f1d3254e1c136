import { expect } from 'aegir/chai'
import { resolveConfig } from '../../src/config/resolve.ts'
import { SECRET } from './helpers.ts'

const PRODUCTION = { profile: 'production', secret: SECRET } as const

describe('config auto detection', () => {
  const signs: Array<[Record<string, string>, string, string]> = [
    [{ KUBERNETES_SERVICE_HOST: '10.96.0.1' }, 'kubernetes', 'auto: KUBERNETES_SERVICE_HOST is set (running in a Kubernetes pod)'],
    [{ CONSUL_HTTP_ADDR: '127.0.0.1:8500' }, 'consul', 'auto: CONSUL_HTTP_ADDR is set (a Consul agent is configured)'],
    [{ ETCD_ENDPOINTS: 'http://10.0.0.1:2379' }, 'etcd', 'auto: ETCD_ENDPOINTS is set (an etcd cluster is configured)'],
    [{ FOUNDATION_DNS_NAME: 'app.internal' }, 'dns', 'auto: FOUNDATION_DNS_NAME is set (peers are listed in DNS)'],
    [{ FOUNDATION_PEERS: '10.0.0.2:4001' }, 'static', 'auto: FOUNDATION_PEERS is set (a fixed list of peers is given)']
  ]
  for (const [env, strategy, reason] of signs) {
    it(`picks ${strategy} when ${Object.keys(env)[0]} is set`, () => {
      const { discovery } = resolveConfig(PRODUCTION, env)
      expect(discovery.chosenBy).to.equal('auto')
      expect(discovery.strategies.map(s => s.name)).to.deep.equal([strategy])
      expect(discovery.reason).to.equal(reason)
    })
  }

  it('uses the detected strategy\'s settings from the environment', () => {
    const { discovery } = resolveConfig(PRODUCTION, { FOUNDATION_DNS_NAME: 'app.internal' })
    expect(discovery.strategies).to.deep.equal([{ name: 'dns', init: { name: 'app.internal', mode: 'a', port: 4001 } }])
  })

  it('takes the first sign in order when several are present', () => {
    const { discovery } = resolveConfig(PRODUCTION, { FOUNDATION_PEERS: '10.0.0.2:4001', CONSUL_HTTP_ADDR: 'c:8500', KUBERNETES_SERVICE_HOST: '10.96.0.1' })
    expect(discovery.strategies.map(s => s.name)).to.deep.equal(['kubernetes'])
  })

  it('skips a strategy turned off', () => {
    const { discovery } = resolveConfig({ ...PRODUCTION, discovery: { kubernetes: false } }, { KUBERNETES_SERVICE_HOST: '10.96.0.1', FOUNDATION_PEERS: '10.0.0.2:4001' })
    expect(discovery.strategies.map(s => s.name)).to.deep.equal(['static'])
  })

  it('falls back to mDNS, saying nothing was detected', () => {
    const { discovery } = resolveConfig(PRODUCTION, { KUBERNETES_SERVICE_HOST: '' })
    expect(discovery.strategies).to.deep.equal([{ name: 'mdns', init: { interval: 1000 } }])
    expect(discovery.reason).to.equal('auto: no platform detected (none of KUBERNETES_SERVICE_HOST, CONSUL_HTTP_ADDR, ETCD_ENDPOINTS, FOUNDATION_DNS_NAME, FOUNDATION_PEERS is set), using mdns on the local network')
  })

  it('runs nothing when it detects nothing and mdns is off', () => {
    const { discovery } = resolveConfig({ ...PRODUCTION, discovery: { mdns: false } }, {})
    expect(discovery.strategies).to.deep.equal([])
    expect(discovery.reason).to.include('no platform detected').and.include('no discovery')
  })

  it('is replaced wherever cluster names it, beside other strategies', () => {
    const only = resolveConfig({ cluster: 'auto' }, { CONSUL_HTTP_ADDR: 'consul:8500' }).discovery
    expect(only.chosenBy).to.equal('auto')
    expect(only.strategies.map(s => s.name)).to.deep.equal(['consul'])

    const mixed = resolveConfig({ cluster: ['static', 'auto'], discovery: { static: ['10.0.0.2:4001'] } }, { ETCD_ENDPOINTS: 'http://e:2379' }).discovery
    expect(mixed.strategies.map(s => s.name)).to.deep.equal(['static', 'etcd'])
    expect(mixed.chosenBy).to.equal('auto')
    expect(mixed.reason).to.equal('cluster names static; auto: ETCD_ENDPOINTS is set (an etcd cluster is configured)')
  })

  it('does not run when discovery settings choose', () => {
    const { discovery } = resolveConfig({ ...PRODUCTION, discovery: { static: ['10.0.0.2:4001'] } }, { KUBERNETES_SERVICE_HOST: '10.96.0.1' })
    expect(discovery.chosenBy).to.equal('discovery')
    expect(discovery.strategies.map(s => s.name)).to.deep.equal(['static'])
  })
})
