import { expect } from 'aegir/chai'
import { ConfigError } from '../../src/config/errors.ts'
import { resolveConfig } from '../../src/config/resolve.ts'
import { generateSecret, preSharedKeyFrom } from '../../src/config/secret.ts'
import { thrownBy } from './helpers.ts'

const PEER_ID = '12D3KooWGC6TvWhfapngX6wvJHMYvKpDMXPb3ZnCZ6dMoaMtimQ5'

describe('config', () => {
  it('fills documented defaults', () => {
    const config = resolveConfig({}, {})
    expect(config).to.include({ profile: 'development', clusterName: 'foundation', maxMessageSize: 1024 * 1024, callTimeout: 5000, lookupTimeout: 2000, tombstoneTtl: 3_600_000 })
    expect(config.discovery.strategies).to.deep.equal([{ name: 'mdns', init: { interval: 1000 } }])
    expect(config.listen).to.deep.equal(['/ip4/0.0.0.0/tcp/0'])
    expect(config.http).to.deep.equal({ enabled: true, host: '127.0.0.1', port: 9464, portIsDefault: true })
    expect(config.security).to.deep.equal({})
    expect(config.identity).to.deep.equal({})
    expect(config.secret).to.equal(undefined)
  })

  it('keeps the options it is given', () => {
    const config = resolveConfig({
      clusterName: 'shop',
      name: 'n1',
      roles: ['web', 'web', 'api'],
      listen: ['/ip4/127.0.0.1/tcp/4100'],
      security: { allowPeers: [PEER_ID, PEER_ID] },
      identity: { keyFile: '/var/lib/foundation/key' },
      http: { enabled: false, host: '0.0.0.0', port: 0 },
      membership: { probeInterval: 800, tombstoneTimeout: 120_000, browserLease: 45_000 },
      messaging: { maxMessageSize: 4096, callTimeout: 100, maxQueuedBytes: 1024 * 1024 },
      registry: { lookupTimeout: 300, tombstoneTtl: 600_000 }
    }, {})
    expect(config).to.include({ clusterName: 'shop', name: 'n1', maxMessageSize: 4096, callTimeout: 100, maxQueuedBytes: 1024 * 1024, lookupTimeout: 300, tombstoneTtl: 600_000 })
    expect(config.roles).to.deep.equal(['web', 'web', 'api'])
    expect(config.listen).to.deep.equal(['/ip4/127.0.0.1/tcp/4100'])
    expect(config.security).to.deep.equal({ allowPeers: [PEER_ID] })
    expect(config.identity).to.deep.equal({ keyFile: '/var/lib/foundation/key' })
    expect(config.http).to.deep.equal({ enabled: false, host: '0.0.0.0', port: 0, portIsDefault: false })
    expect(config.metrics).to.deep.equal({ enabled: false, process: false })
    expect(config.membership).to.deep.equal({ probeInterval: 800, probeTimeout: 250, suspectTimeout: 1000, indirectProbes: 3, tombstoneTimeout: 120_000, browserLease: 45_000 })
    expect(() => resolveConfig({ membership: { browserLease: -1 } }, {})).to.throw(ConfigError).with.property('field', 'membership.browserLease')
  })

  it('refuses a WebRTC-Direct listen address in a cluster with a secret, which that transport would skip', () => {
    const listen = ['/ip4/0.0.0.0/tcp/4001', '/ip4/0.0.0.0/udp/4003/webrtc-direct']
    expect(resolveConfig({ listen }, {}).listen).to.deep.equal(listen)
    expect(thrownBy(() => resolveConfig({ listen, secret: 'a passphrase long enough' }, {}))).to.be.an.instanceOf(ConfigError)
      .with.property('field', 'listen')
  })

  it('turns metrics on with the HTTP endpoint unless told otherwise, and process metrics on outside development', () => {
    const production = { profile: 'production', secret: 'a passphrase long enough' } as const
    expect(resolveConfig({}, {}).metrics).to.deep.equal({ enabled: true, process: false })
    expect(resolveConfig({ http: { enabled: false } }, {}).metrics.enabled).to.equal(false)
    expect(resolveConfig({ metrics: { enabled: false } }, {}).metrics.enabled).to.equal(false)
    expect(resolveConfig(production, {}).metrics).to.deep.equal({ enabled: false, process: true })
    expect(resolveConfig({ ...production, http: { enabled: true }, metrics: { process: false } }, {}).metrics).to.deep.equal({ enabled: true, process: false })
    expect(() => resolveConfig({ metrics: { enabled: 'yes' } } as any, {})).to.throw(ConfigError).with.property('field', 'metrics.enabled')
  })

  it('treats an option set to undefined as not set', () => {
    const config = resolveConfig({ secret: undefined, cluster: undefined, http: { port: undefined }, membership: { probeInterval: undefined } }, {})
    expect(config.http.port).to.equal(9464)
    expect(config.membership.probeInterval).to.equal(1000)
    expect(config.discovery.chosenBy).to.equal('profile')
    expect(Object.keys(config)).to.not.include('secret')
  })

  it('accepts a swarm.key as the secret', () => {
    const swarmKey = `/key/swarm/psk/1.0.0/\n/base16/\n${'ab'.repeat(32)}`
    expect(resolveConfig({ secret: swarmKey }, {}).secret).to.equal(swarmKey)
    expect(thrownBy(() => resolveConfig({ secret: '/key/swarm/psk/1.0.0/\n/base16/\nnot-hex-but-long-enough' }, {}))).to.have.property('field', 'secret')
  })

  const bad: Array<[string, object, RegExp?]> = [
    ['clusterName', { clusterName: 'has space' }, /1-63 letters/],
    ['roles[1]', { roles: ['a', 7] }],
    ['roles[0]', { roles: ['$browser'] }, /not beginning with "\$"/],
    ['listen[0]', { listen: ['not-a-multiaddr'] }, /multiaddr/],
    ['secret', { secret: 'short' }, /at least 16 characters/],
    ['discovery.mdns', { discovery: { mdns: 'yes' } }, /true, false or \{ interval \}/],
    ['discovery.mdns.interval', { discovery: { mdns: { interval: -1 } } }, /duration in ms/],
    ['discovery.mdns.every', { discovery: { mdns: { every: 5 } } }, /known options \(interval\)/],
    ['discovery.dns', { discovery: { dns: 5 } }, /a DNS name/],
    ['discovery.kubernetes.mode', { discovery: { kubernetes: { mode: 'pod' } } }, /one of "pods", "endpoints", "dns"/],
    ['discovery.zookeeper', { discovery: { zookeeper: true } }, /known options \(mdns, static, dns, kubernetes, consul, etcd, aws, gcp\)/],
    ['discovery.etcd.minBackoff', { discovery: { etcd: { minBackoff: 5000, maxBackoff: 1000 } } }, /at most maxBackoff/],
    ['discovery.aws.tags', { discovery: { aws: { tags: {} } } }, /at least one/],
    ['discovery.gcp.labels.Team', { discovery: { gcp: { labels: { Team: 'x' } } } }, /GCP label key/],
    ['discovery.consul.address', { discovery: { consul: { address: 'consul:8500/v1' } } }, /host, host:port or an http\(s\) URL/],
    ['discovery.gcp.apiEndpoint', { discovery: { gcp: { apiEndpoint: 'ftp://compute' } } }, /host, host:port or an http\(s\) URL/],
    ['discovery.aws.endpoint', { discovery: { aws: { endpoint: 'ec2.internal' } } }, /http:\/\/ or https:\/\/ URL/],
    ['discovery.dns.servers[0]', { discovery: { dns: { name: 'a.b', servers: ['dns.google'] } } }, /IP address/],
    ['cluster', { cluster: 'kubernets' }, /mdns, static, dns, kubernetes, consul, etcd, aws, gcp, auto/],
    ['cluster[1]', { cluster: ['static', 'zk'] }],
    ['cluster', { cluster: [] }, /at least one/],
    ['profile', { profile: 'staging' }, /one of "development", "production", "enterprise"/],
    ['security.allowPeers[0]', { security: { allowPeers: ['not-a-peer-id'] } }, /peer id/],
    ['identity.keyFile', { identity: { keyFile: '' } }],
    ['http.port', { http: { port: 70000 } }, /0 \(any free port\) to 65535/],
    ['http.enabled', { http: { enabled: 'yes' } }, /true or false/],
    ['membership.probeInterval', { membership: { probeInterval: '1s' } }],
    ['membership.indirectProbes', { membership: { indirectProbes: 1.5 } }],
    ['membership.probeTimeout', { membership: { probeTimeout: 1200 } }, /shorter than probeInterval/],
    ['membership.maxFrameSize', { membership: { maxFrameSize: 1 } }],
    ['messaging.maxMessageSize', { messaging: { maxMessageSize: 10 } }, /1024 to 67108864/],
    ['messaging.maxQueuedBytes', { messaging: { maxQueuedBytes: 100 } }],
    ['registry', { registry: [] }],
    ['registry.tombstoneTtl', { registry: { tombstoneTtl: 1000 } }, /60000 \(1 min\)/],
    ['overlay.topology', { overlay: { topology: 'star' } }, /"auto", "full-mesh", "partial-view"/],
    ['overlay.fullMeshAtMost', { overlay: { fullMeshAtMost: 64 } }, /below partialFrom \(now 64 and 64\)/],
    ['overlay.partialFrom', { overlay: { partialFrom: 20 } }, /below partialFrom \(now 48 and 20\)/],
    ['overlay.partialAtMost', { overlay: { partialAtMost: 5000 } }, /below clientServerFrom \(now 5000 and 5000\)/],
    ['overlay.clientServerFrom', { overlay: { clientServerFrom: 300, partialFrom: 80 } }, /below clientServerFrom \(now 4000 and 300\)/],
    ['overlay.partialAtMost', { overlay: { partialAtMost: 40, clientServerFrom: 60 } }, /partialFrom at most partialAtMost \(now 64 and 40\)/],
    ['overlay.activeViewSize', { overlay: { activeViewSize: 0 } }],
    ['overlay.switchGrace', { overlay: { switchGrace: -1 } }, /0 to 3600000/],
    ['clusters', { clusters: 'typo' }, /known options/]
  ]
  for (const [field, init, expected] of bad) {
    it(`names the field of a bad value: ${field}`, () => {
      const err = thrownBy(() => resolveConfig(init as any, {}))
      expect(err).to.be.an.instanceOf(ConfigError)
      expect(err).to.have.property('field', field)
      if (expected != null) { expect(err.message).to.match(expected) }
    })
  }

  it('fills the overlay\'s defaults and keeps what it is given', () => {
    expect(resolveConfig({}, {}).overlay).to.deep.equal({
      topology: 'auto', partialFrom: 64, fullMeshAtMost: 48, clientServerFrom: 5000, partialAtMost: 4000, settle: 30_000, switchGrace: 30_000, idleTimeout: 15_000
    })
    const overlay = resolveConfig({ overlay: { topology: 'partial-view', settle: 0, switchGrace: 5000, activeViewSize: 6 } }, {}).overlay
    expect(overlay).to.include({ topology: 'partial-view', settle: 0, switchGrace: 5000, activeViewSize: 6 })
  })

  it('lists every problem of the pass, the first as its field', () => {
    const err = thrownBy(() => resolveConfig({ name: '', roles: ['a', 7], http: { port: -1 } } as any, {}))
    expect(err).to.have.property('field', 'name')
    expect(err.message).to.include('"roles[1]": a non-empty string').and.include('"http.port"')
  })

  it('rejects options that are not an object', () => {
    expect(thrownBy(() => resolveConfig('kubernetes' as any, {}))).to.be.an.instanceOf(ConfigError).with.property('field', '(options)')
  })

  it('never echoes a secret in its error', () => {
    const err = thrownBy(() => resolveConfig({ secret: 'tooshort' }, {}))
    expect(err.message).to.not.include('tooshort')
    expect(err.received).to.equal('(hidden)')
  })

  it('derives one pre-shared key per passphrase', () => {
    const secret = generateSecret()
    expect(preSharedKeyFrom(secret)).to.deep.equal(preSharedKeyFrom(secret))
    expect(preSharedKeyFrom(secret)).to.not.deep.equal(preSharedKeyFrom(generateSecret()))
    expect(new TextDecoder().decode(preSharedKeyFrom(secret))).to.match(/^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n[0-9a-f]{64}$/)
  })
})
