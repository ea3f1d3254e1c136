import { inspect } from 'node:util'
import { expect } from 'aegir/chai'
import { redactedConfig } from '../../src/config/redact.ts'
import { resolveConfig } from '../../src/config/resolve.ts'
import { tempFolder, thrownBy } from './helpers.ts'

const CLUSTER_SECRET = 'cluster-secret-value-0123456789'
const TOKEN = 'consul-acl-token-abcdef'
const PASSWORD = 'etcd-password-ghijkl'

function resolved (): ReturnType<typeof resolveConfig> {
  return resolveConfig({
    secret: CLUSTER_SECRET,
    cluster: ['consul', 'etcd'],
    discovery: { consul: { token: TOKEN }, etcd: { auth: { username: 'foundation', password: PASSWORD } } }
  }, {})
}

function expectNoSecret (text: string): void {
  for (const secret of [CLUSTER_SECRET, TOKEN, PASSWORD]) { expect(text).to.not.include(secret) }
}

describe('config secrets', () => {
  it('keeps them readable by the code', () => {
    const config = resolved()
    expect(config.secret).to.equal(CLUSTER_SECRET)
    expect(config.discovery.strategies[0]).to.have.nested.property('init.token', TOKEN)
    expect(config.discovery.strategies[1]).to.have.nested.property('init.auth.password', PASSWORD)
  })

  it('redactedConfig hides each one and leaves the rest', () => {
    const config = resolved()
    const view = redactedConfig(config)
    expect(view.secret).to.equal('(hidden)')
    expect(view.discovery.strategies[0]).to.have.nested.property('init.token', '(hidden)')
    expect(view.discovery.strategies[1]).to.have.nested.property('init.auth.password', '(hidden)')
    expect(view.discovery.strategies[1]).to.have.nested.property('init.auth.username', 'foundation')
    expect(view.discovery.strategies[0]).to.have.nested.property('init.service', 'foundation')
    expect(view.clusterName).to.equal(config.clusterName)
    expectNoSecret(JSON.stringify(view))
    expect(config.secret).to.equal(CLUSTER_SECRET)
  })

  it('prints the config redacted through JSON and inspect, whole or in parts', () => {
    const config = resolved()
    for (const text of [
      JSON.stringify(config),
      inspect(config, { depth: Infinity }),
      inspect(config.discovery, { depth: Infinity }),
      inspect(config.discovery.strategies[1].init, { depth: Infinity }),
      JSON.stringify(config.discovery.strategies)
    ]) {
      expectNoSecret(text)
      expect(text).to.include('(hidden)')
    }
    expect(Object.keys(config)).to.not.include('toJSON')
    expect({ ...config }.secret).to.equal(CLUSTER_SECRET)
  })

  it('never puts one in a ConfigError, its fields or its inspection', async () => {
    const folder = await tempFolder()
    try {
      const shortFile = await folder.file('short.key', 'pass-short\n')
      const errors = [
        thrownBy(() => resolveConfig({ secret: 'pass-short' }, {})),
        thrownBy(() => resolveConfig({}, { FOUNDATION_SECRET: 'pass-short' })),
        thrownBy(() => resolveConfig({}, { FOUNDATION_SECRET_FILE: shortFile })),
        thrownBy(() => resolveConfig({ discovery: { consul: { token: '' } }, secret: CLUSTER_SECRET } as any, {})),
        thrownBy(() => resolveConfig({ secret: CLUSTER_SECRET, discovery: { etcd: { auth: { username: '', password: PASSWORD } } } }, {})),
        thrownBy(() => resolveConfig({ profile: 'enterprise', secret: CLUSTER_SECRET, identity: { keyFile: '/k' } }, {}))
      ]
      expect(errors.map(e => e.field)).to.deep.equal(['secret', 'FOUNDATION_SECRET', 'FOUNDATION_SECRET_FILE', 'discovery.consul.token', 'discovery.etcd.auth.username', 'secret'])
      for (const err of errors) {
        expect(err.message).to.not.include('pass-short')
        expectNoSecret(err.message)
        expectNoSecret(inspect(err, { depth: Infinity }))
      }
    } finally {
      await folder.remove()
    }
  })
})
