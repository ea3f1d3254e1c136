import { readFileSync } from 'node:fs'
import { expect } from 'aegir/chai'
import { ENV_VARIABLES } from '../../src/config/env.ts'
import { ConfigError } from '../../src/config/errors.ts'
import { resolveConfig } from '../../src/config/resolve.ts'
import { SECRET, thrownBy } from './helpers.ts'
import type { FoundationConfig } from '../../src/config/index.ts'

const PEER_A = '12D3KooWGC6TvWhfapngX6wvJHMYvKpDMXPb3ZnCZ6dMoaMtimQ5'
const PEER_B = '12D3KooWH3uVF6wv47WnArKHk5p6cvgCJEb74UTmxztmQDc298L3'
const FIXED = { FOUNDATION_LISTEN: '/ip4/0.0.0.0/tcp/4001' }

function init (config: FoundationConfig, name: string): Record<string, unknown> {
  return (config.discovery.strategies.find(s => s.name === name)?.init ?? {}) as Record<string, unknown>
}

describe('config environment variables', () => {
  const cases: Array<[Record<string, string>, (config: FoundationConfig) => unknown, unknown]> = [
    [{ FOUNDATION_CLUSTER_NAME: 'shop' }, c => c.clusterName, 'shop'],
    [{ FOUNDATION_NODE_NAME: 'web-1' }, c => c.name, 'web-1'],
    [{ FOUNDATION_ROLES: 'web, api,,' }, c => c.roles, ['web', 'api']],
    [{ FOUNDATION_LISTEN: '/ip4/0.0.0.0/tcp/4001,/ip6/::/tcp/4001' }, c => c.listen, ['/ip4/0.0.0.0/tcp/4001', '/ip6/::/tcp/4001']],
    [{ FOUNDATION_SECRET: SECRET }, c => c.secret, SECRET],
    [{ FOUNDATION_ALLOW_PEERS: `${PEER_A},${PEER_B}` }, c => c.security.allowPeers, [PEER_A, PEER_B]],
    [{ FOUNDATION_KEY_FILE: '/var/lib/foundation/key' }, c => c.identity.keyFile, '/var/lib/foundation/key'],
    [{ FOUNDATION_CLUSTER: 'static,mdns', FOUNDATION_PEERS: '10.0.0.2:4001' }, c => c.discovery.strategies.map(s => s.name), ['static', 'mdns']],
    [{ FOUNDATION_CLUSTER: 'static', FOUNDATION_PEERS: '10.0.0.2:4001, /ip4/10.0.0.3/tcp/4001' }, c => init(c, 'static').peers, ['10.0.0.2:4001', '/ip4/10.0.0.3/tcp/4001']],
    [{ FOUNDATION_CLUSTER: 'dns', FOUNDATION_DNS_NAME: 'app.internal', FOUNDATION_DNS_MODE: 'srv', FOUNDATION_DNS_SERVERS: '10.0.0.53,10.0.0.54:5353' },
      c => init(c, 'dns'), { name: 'app.internal', mode: 'srv', servers: ['10.0.0.53', '10.0.0.54:5353'] }],
    [{ FOUNDATION_CLUSTER: 'dns', FOUNDATION_DNS_NAME: 'app.internal', FOUNDATION_DNS_PORT: '7000' }, c => init(c, 'dns').port, 7000],
    [{ ...FIXED, FOUNDATION_CLUSTER: 'kubernetes', FOUNDATION_KUBERNETES_MODE: 'endpoints', FOUNDATION_KUBERNETES_SERVICE: 'shop', FOUNDATION_KUBERNETES_NAMESPACE: 'prod', FOUNDATION_KUBERNETES_SELECTOR: 'app=shop', FOUNDATION_KUBERNETES_PORT: 'p2p' },
      c => init(c, 'kubernetes'), { mode: 'endpoints', service: 'shop', namespace: 'prod', selector: 'app=shop', port: 'p2p' }],
    [{ FOUNDATION_CLUSTER: 'kubernetes', FOUNDATION_KUBERNETES_PORT: '4002' }, c => init(c, 'kubernetes').port, 4002],
    [{ FOUNDATION_CLUSTER: 'consul', FOUNDATION_CONSUL_SERVICE: 'shop-mesh' }, c => init(c, 'consul').service, 'shop-mesh'],
    [{ FOUNDATION_CLUSTER: 'etcd', FOUNDATION_ETCD_PREFIX: '/mesh/' }, c => init(c, 'etcd').prefix, '/mesh/'],
    [{ ...FIXED, FOUNDATION_CLUSTER: 'aws', FOUNDATION_AWS_TAGS: 'team=shop, env=prod' }, c => init(c, 'aws').tags, { team: 'shop', env: 'prod' }],
    [{ ...FIXED, FOUNDATION_CLUSTER: 'gcp', FOUNDATION_GCP_LABELS: 'team=shop' }, c => init(c, 'gcp').labels, { team: 'shop' }],
    [{ FOUNDATION_HTTP_ENABLED: 'off', FOUNDATION_HTTP_HOST: '0.0.0.0', FOUNDATION_HTTP_PORT: '9000' }, c => c.http, { enabled: false, host: '0.0.0.0', port: 9000 }],
    [{ FOUNDATION_METRICS_ENABLED: 'yes', FOUNDATION_METRICS_PROCESS: 'off' }, c => c.metrics, { enabled: true, process: false }],
    [{ FOUNDATION_PROBE_INTERVAL: '900', FOUNDATION_SUSPECT_TIMEOUT: '4000' }, c => [c.membership.probeInterval, c.membership.suspectTimeout], [900, 4000]],
    [{ FOUNDATION_CALL_TIMEOUT: '250', FOUNDATION_MAX_MESSAGE_SIZE: '65536' }, c => [c.callTimeout, c.maxMessageSize], [250, 65536]],
    [{ FOUNDATION_TOPOLOGY: 'partial-view' }, c => c.overlay.topology, 'partial-view'],
    [{ FOUNDATION_TRACING_ENABLED: 'no', FOUNDATION_TRACING_SAMPLE_RATE: '0.25', FOUNDATION_TRACING_MAX_SPANS: '500' }, c => c.tracing, { enabled: false, sampleRate: 0.25, maxSpans: 500 }]
  ]
  for (const [env, read, expected] of cases) {
    it(`reads ${Object.keys(env).filter(k => k !== 'FOUNDATION_LISTEN' && k !== 'FOUNDATION_CLUSTER').join(', ')}`, () => {
      const value = read(resolveConfig({}, env))
      if (expected != null && typeof expected === 'object' && !Array.isArray(expected)) {
        expect(value).to.deep.include(expected)
      } else {
        expect(value).to.deep.equal(expected)
      }
    })
  }

  it('covers every variable of the table in these cases', () => {
    const used = new Set(cases.flatMap(([env]) => Object.keys(env)))
    const untested = ENV_VARIABLES.map(v => v.name).filter(name => !used.has(name) && !['FOUNDATION_PROFILE', 'FOUNDATION_CONFIG', 'FOUNDATION_SECRET_FILE'].includes(name))
    expect(untested).to.deep.equal([])
  })

  it('lists every variable, and only those, in the README', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    const documented = [...readme.matchAll(/^\| `(FOUNDATION_[A-Z_]+)` \| `([^`]+)` \|/gm)].map(m => [m[1], m[2]])
    expect(documented).to.deep.equal(ENV_VARIABLES.map(v => [v.name, v.field]))
  })

  it('overrides the options given in code', () => {
    const config = resolveConfig({ clusterName: 'code', roles: ['a'], discovery: { dns: { name: 'code.internal', port: 1 } }, cluster: 'mdns' },
      { FOUNDATION_CLUSTER_NAME: 'env', FOUNDATION_ROLES: 'b', FOUNDATION_DNS_PORT: '2', FOUNDATION_CLUSTER: 'dns' })
    expect(config.clusterName).to.equal('env')
    expect(config.roles).to.deep.equal(['b'])
    expect(config.discovery.strategies).to.deep.equal([{ name: 'dns', init: { name: 'code.internal', port: 2, mode: 'a' } }])
  })

  const badValues: Array<[Record<string, string>, string, RegExp]> = [
    [{ FOUNDATION_DNS_PORT: 'http' }, 'FOUNDATION_DNS_PORT', /a whole number/],
    [{ FOUNDATION_DNS_PORT: '99999' }, 'FOUNDATION_DNS_PORT', /\(sets discovery\.dns\.port\): expected a TCP port from 1 to 65535/],
    [{ FOUNDATION_HTTP_ENABLED: 'maybe' }, 'FOUNDATION_HTTP_ENABLED', /true or false/],
    [{ FOUNDATION_AWS_TAGS: 'team' }, 'FOUNDATION_AWS_TAGS', /key=value pairs/],
    [{ FOUNDATION_KUBERNETES_MODE: 'pod' }, 'FOUNDATION_KUBERNETES_MODE', /one of "pods", "endpoints", "dns"/],
    [{ FOUNDATION_CLUSTER: 'kubernetes,zookeeper' }, 'FOUNDATION_CLUSTER', /"gcp", "auto"/],
    [{ FOUNDATION_LISTEN: '0.0.0.0:4001' }, 'FOUNDATION_LISTEN', /a multiaddr/],
    [{ FOUNDATION_ALLOW_PEERS: 'peer-1' }, 'FOUNDATION_ALLOW_PEERS', /a peer id/],
    [{ FOUNDATION_PEERS: '10.0.0.1' }, 'FOUNDATION_PEERS', /host:port/],
    [{ FOUNDATION_SUSPECT_TIMEOUT: '0' }, 'FOUNDATION_SUSPECT_TIMEOUT', /duration in ms/],
    [{ FOUNDATION_TOPOLOGY: 'mesh' }, 'FOUNDATION_TOPOLOGY', /auto.*full-mesh.*partial-view/]
  ]
  for (const [env, field, expected] of badValues) {
    it(`names the variable of a bad value: ${field}=${Object.values(env)[0]}`, () => {
      const err = thrownBy(() => resolveConfig({}, env))
      expect(err).to.be.an.instanceOf(ConfigError).with.property('field', field)
      expect(err.message).to.match(expected)
    })
  }

  it('rejects an unknown FOUNDATION_ variable, suggesting the nearest', () => {
    const typo = thrownBy(() => resolveConfig({}, { FOUNDATION_CLUSTR: 'kubernetes' }))
    expect(typo).to.be.an.instanceOf(ConfigError).with.property('field', 'FOUNDATION_CLUSTR')
    expect(typo.message).to.include('did you mean FOUNDATION_CLUSTER?')
    const unknown = thrownBy(() => resolveConfig({}, { FOUNDATION_SOMETHING_ELSE: '1' }))
    expect(unknown).to.have.property('field', 'FOUNDATION_SOMETHING_ELSE')
    expect(unknown.message).to.include('unknown environment variable').and.not.include('did you mean')
  })

  it('ignores other variables and treats an empty one as unset', () => {
    const config = resolveConfig({}, { PATH: '/usr/bin', FOUNDATIONS: 'x', FOUNDATION_CLUSTER_NAME: '', FOUNDATION_PROFILE: ' ' })
    expect(config.clusterName).to.equal('foundation')
    expect(config.profile).to.equal('development')
  })

  it('tunes strategies without turning one on', () => {
    const config = resolveConfig({}, { FOUNDATION_KUBERNETES_MODE: 'dns', FOUNDATION_CONSUL_SERVICE: 'shop' })
    expect(config.discovery.strategies.map(s => s.name)).to.deep.equal(['mdns'])
    expect(config.discovery.chosenBy).to.equal('profile')
  })

  it('says in the reason when FOUNDATION_CLUSTER chose', () => {
    const config = resolveConfig({}, { FOUNDATION_CLUSTER: 'static', FOUNDATION_PEERS: '10.0.0.2:4001' })
    expect(config.discovery).to.include({ chosenBy: 'cluster', reason: 'FOUNDATION_CLUSTER names static' })
  })
})
