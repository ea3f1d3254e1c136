import { expect } from 'aegir/chai'
import { ConfigError, MissingSecretError } from '../../src/config/errors.ts'
import { resolveConfig } from '../../src/config/resolve.ts'
import { SECRET, tempFolder, thrownBy } from './helpers.ts'

const LONG_SECRET = 'a-passphrase-of-more-than-32-characters'

describe('config profiles', () => {
  it('is development by default, production under NODE_ENV=production', () => {
    expect(resolveConfig({}, {}).profile).to.equal('development')
    expect(resolveConfig({}, { NODE_ENV: 'test' }).profile).to.equal('development')
    expect(resolveConfig({ secret: SECRET }, { NODE_ENV: 'production' }).profile).to.equal('production')
  })

  it('takes the profile option, and FOUNDATION_PROFILE over it', () => {
    expect(resolveConfig({ profile: 'development' }, { NODE_ENV: 'production' }).profile).to.equal('development')
    expect(resolveConfig({ profile: 'development', secret: SECRET }, { FOUNDATION_PROFILE: 'production' }).profile).to.equal('production')
    const err = thrownBy(() => resolveConfig({}, { FOUNDATION_PROFILE: 'prod' }))
    expect(err).to.have.property('field', 'FOUNDATION_PROFILE')
    expect(err.message).to.include('"development", "production", "enterprise"')
  })

  it('development: mDNS, any port, no secret, the HTTP endpoint on, tracing on without sampling', () => {
    const config = resolveConfig({}, {})
    expect(config.discovery).to.deep.equal({
      strategies: [{ name: 'mdns', init: { interval: 1000 } }],
      chosenBy: 'profile',
      reason: 'the development profile\'s default: mdns on the local network'
    })
    expect(config.listen).to.deep.equal(['/ip4/0.0.0.0/tcp/0'])
    expect(config.http.enabled).to.be.true()
    expect(config.membership).to.deep.equal({ probeInterval: 1000, probeTimeout: 250, suspectTimeout: 1000, indirectProbes: 3 })
    // traces the user starts, none of its own
    expect(config.tracing).to.deep.equal({ enabled: true, sampleRate: 0, maxSpans: 10_000 })
    expect(resolveConfig({ tracing: { sampleRate: 1 } }, {}).tracing).to.deep.equal({ enabled: true, sampleRate: 1, maxSpans: 10_000 })
  })

  it('production: auto, port 4001, the HTTP endpoint off unless enabled, timings for real networks', () => {
    const config = resolveConfig({ profile: 'production', secret: SECRET }, {})
    expect(config.discovery.chosenBy).to.equal('auto')
    expect(config.listen).to.deep.equal(['/ip4/0.0.0.0/tcp/4001'])
    expect(config.http).to.deep.equal({ enabled: false, host: '127.0.0.1', port: 9464, portIsDefault: true })
    expect(config.membership).to.deep.equal({ probeInterval: 1000, probeTimeout: 500, suspectTimeout: 5000, indirectProbes: 3 })
    expect(config.tracing).to.deep.equal({ enabled: false, sampleRate: 0, maxSpans: 10_000 })
    expect(resolveConfig({ profile: 'production', secret: SECRET, http: { enabled: true } }, {}).http.enabled).to.be.true()
    expect(resolveConfig({ profile: 'production', secret: SECRET }, { FOUNDATION_HTTP_ENABLED: 'true' }).http.enabled).to.be.true()
  })

  for (const profile of ['production', 'enterprise'] as const) {
    it(`${profile} refuses to start without a secret and says how to make one`, () => {
      const err = thrownBy(() => resolveConfig({ profile, identity: { keyFile: '/k' } }, {}))
      expect(err).to.be.an.instanceOf(MissingSecretError).and.an.instanceOf(ConfigError)
      expect(err).to.have.property('name', 'MissingSecretError')
      expect(err).to.have.property('field', 'secret')
      for (const part of ['FOUNDATION_SECRET', 'FOUNDATION_SECRET_FILE', 'Foundation.generateSecret()', 'same on every node', 'swarm.key', 'node --input-type=module -e']) {
        expect(err.message).to.include(part)
      }
    })
  }

  describe('with a secret file', () => {
    let folder: Awaited<ReturnType<typeof tempFolder>>
    before(async () => { folder = await tempFolder() })
    after(async () => { await folder.remove() })

    it('production takes the secret from FOUNDATION_SECRET_FILE, without its final newline', async () => {
      const swarmKey = `/key/swarm/psk/1.0.0/\n/base16/\n${'0f'.repeat(32)}`
      const file = await folder.file('swarm.key', `${swarmKey}\n`)
      expect(resolveConfig({ profile: 'production' }, { FOUNDATION_SECRET_FILE: file }).secret).to.equal(swarmKey)
    })

    it('names FOUNDATION_SECRET_FILE when the file is missing or both variables are set', async () => {
      const missing = thrownBy(() => resolveConfig({}, { FOUNDATION_SECRET_FILE: `${folder.path}/nope.key` }))
      expect(missing).to.have.property('field', 'FOUNDATION_SECRET_FILE')
      expect(missing.message).to.include('ENOENT').and.include('nope.key')
      const both = thrownBy(() => resolveConfig({}, { FOUNDATION_SECRET_FILE: `${folder.path}/x`, FOUNDATION_SECRET: SECRET }))
      expect(both).to.have.property('field', 'FOUNDATION_SECRET_FILE')
      expect(both.message).to.not.include(SECRET)
    })
  })

  it('enterprise requires a key file and a 32-character passphrase, and never guesses mDNS', () => {
    expect(thrownBy(() => resolveConfig({ profile: 'enterprise', secret: LONG_SECRET, cluster: 'static', discovery: { static: ['10.0.0.2:4001'] } }, {})))
      .to.have.property('field', 'identity.keyFile')
    const short = thrownBy(() => resolveConfig({ profile: 'enterprise', secret: SECRET, identity: { keyFile: '/k' } }, {}))
    expect(short).to.have.property('field', 'secret')
    expect(short.message).to.include('at least 32 characters').and.not.include(SECRET)

    const guess = thrownBy(() => resolveConfig({ profile: 'enterprise', secret: LONG_SECRET, identity: { keyFile: '/k' } }, {}))
    expect(guess).to.have.property('field', 'cluster')
    expect(guess.message).to.include('never falls back to mDNS')

    const config = resolveConfig({ profile: 'enterprise', secret: LONG_SECRET, identity: { keyFile: '/k' } }, { KUBERNETES_SERVICE_HOST: '10.96.0.1' })
    expect(config.discovery.strategies.map(s => s.name)).to.deep.equal(['kubernetes'])
    expect(config).to.include({ maxMessageSize: 512 * 1024, maxQueuedBytes: 32 * 1024 * 1024 })
    expect(config.membership.suspectTimeout).to.equal(10_000)
    expect(config.http.enabled).to.be.false()
  })

  it('lets every profile default be overridden', () => {
    const config = resolveConfig({
      profile: 'enterprise',
      secret: LONG_SECRET,
      identity: { keyFile: '/k' },
      cluster: 'mdns',
      listen: ['/ip4/0.0.0.0/tcp/0'],
      membership: { suspectTimeout: 3000 },
      messaging: { maxMessageSize: 2048 }
    }, {})
    expect(config.discovery.strategies.map(s => s.name)).to.deep.equal(['mdns'])
    expect(config.listen).to.deep.equal(['/ip4/0.0.0.0/tcp/0'])
    expect(config.membership.suspectTimeout).to.equal(3000)
    expect(config.maxMessageSize).to.equal(2048)
  })
})
