import { expect } from 'aegir/chai'
import { ConfigError } from '../../src/config/errors.ts'
import { resolveConfig } from '../../src/config/resolve.ts'
import { generateSecret, preSharedKeyFrom } from '../../src/config/secret.ts'

describe('config', () => {
  it('fills documented defaults', () => {
    const config = resolveConfig()
    expect(config).to.include({ clusterName: 'foundation', maxMessageSize: 1024 * 1024, callTimeout: 5000 })
    expect(config.mdns).to.deep.equal({ enabled: true, interval: 1000 })
    expect(config.listen).to.deep.equal(['/ip4/0.0.0.0/tcp/0'])
  })

  const bad: Array<[string, object]> = [
    ['clusterName', { clusterName: 'has space' }],
    ['roles[1]', { roles: ['a', 7] }],
    ['listen[0]', { listen: ['not-a-multiaddr'] }],
    ['secret', { secret: 'short' }],
    ['discovery.mdns', { discovery: { mdns: 'yes' } }],
    ['discovery.mdns.interval', { discovery: { mdns: { interval: -1 } } }],
    ['membership.probeInterval', { membership: { probeInterval: '1s' } }],
    ['membership.indirectProbes', { membership: { indirectProbes: 1.5 } }],
    ['messaging.maxMessageSize', { messaging: { maxMessageSize: 10 } }],
    ['messaging.maxQueuedBytes', { messaging: { maxQueuedBytes: 100 } }],
    ['registry', { registry: [] }],
    ['clusters', { clusters: 'typo' }]
  ]
  for (const [field, init] of bad) {
    it(`names the field of a bad value: ${field}`, () => {
      expect(() => resolveConfig(init as any)).to.throw(ConfigError).with.property('field', field)
    })
  }

  it('never echoes a secret in its error', () => {
    const err = (() => { try { resolveConfig({ secret: 'tooshort' }) } catch (e) { return e as Error } })()
    expect(err?.message).to.not.include('tooshort')
  })

  it('derives one pre-shared key per passphrase', () => {
    const secret = generateSecret()
    expect(preSharedKeyFrom(secret)).to.deep.equal(preSharedKeyFrom(secret))
    expect(preSharedKeyFrom(secret)).to.not.deep.equal(preSharedKeyFrom(generateSecret()))
    expect(new TextDecoder().decode(preSharedKeyFrom(secret))).to.match(/^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n[0-9a-f]{64}$/)
  })
})
