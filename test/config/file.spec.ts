import { expect } from 'aegir/chai'
import { ConfigError } from '../../src/config/errors.ts'
import { resolveConfig } from '../../src/config/resolve.ts'
import { SECRET, tempFolder, thrownBy } from './helpers.ts'

describe('config file', () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>
  before(async () => { folder = await tempFolder() })
  after(async () => { await folder.remove() })

  it('ranks profile defaults < file < code < environment', async () => {
    const file = await folder.file('layers.json', JSON.stringify({
      clusterName: 'from-file',
      name: 'file-name',
      roles: ['file'],
      messaging: { callTimeout: 111, maxMessageSize: 2048 },
      discovery: { dns: { name: 'file.internal', port: 5000, mode: 'a' } }
    }))
    const config = resolveConfig({ configFile: file, name: 'code-name', roles: ['code'], messaging: { callTimeout: 222 }, discovery: { dns: 'code.internal' } },
      { FOUNDATION_NODE_NAME: 'env-name', FOUNDATION_DNS_PORT: '6000' })
    expect(config.clusterName).to.equal('from-file')
    expect(config.name).to.equal('env-name')
    expect(config.roles).to.deep.equal(['code'])
    expect(config).to.include({ callTimeout: 222, maxMessageSize: 2048, lookupTimeout: 2000 })
    expect(config.discovery).to.deep.include({ chosenBy: 'discovery', strategies: [{ name: 'dns', init: { name: 'code.internal', port: 6000, mode: 'a' } }] })
  })

  it('is found through FOUNDATION_CONFIG, which may choose the profile', async () => {
    const file = await folder.file('prod.json', JSON.stringify({ profile: 'production', secret: SECRET, cluster: 'static', discovery: { static: ['10.0.0.2:4001'] } }))
    const config = resolveConfig({}, { FOUNDATION_CONFIG: file })
    expect(config.profile).to.equal('production')
    expect(config.listen).to.deep.equal(['/ip4/0.0.0.0/tcp/4001'])
    expect(config.discovery.strategies).to.deep.equal([{ name: 'static', init: { peers: ['10.0.0.2:4001'] } }])
  })

  it('names a missing file and the option that named it', () => {
    const byCode = thrownBy(() => resolveConfig({ configFile: `${folder.path}/absent.json` }, {}))
    expect(byCode).to.be.an.instanceOf(ConfigError).with.property('field', 'configFile')
    expect(byCode.message).to.include(`${folder.path}/absent.json`).and.include('ENOENT')
    const byEnv = thrownBy(() => resolveConfig({}, { FOUNDATION_CONFIG: `${folder.path}/absent.json` }))
    expect(byEnv).to.have.property('field', 'FOUNDATION_CONFIG')
  })

  it('names a malformed file without quoting it', async () => {
    const file = await folder.file('broken.json', `{ "secret": "${SECRET}" oops }`)
    const err = thrownBy(() => resolveConfig({ configFile: file }, {}))
    expect(err).to.be.an.instanceOf(ConfigError).with.property('field', 'configFile')
    expect(err.message).to.include(file).and.include('not valid JSON at position')
    expect(err.message).to.not.include(SECRET)
    expect(String((err.cause as Error).message)).to.not.include(SECRET)
  })

  it('wants a JSON object', async () => {
    const file = await folder.file('array.json', '["kubernetes"]')
    const err = thrownBy(() => resolveConfig({ configFile: file }, {}))
    expect(err).to.have.property('field', 'configFile')
    expect(err.message).to.include('holds an array')
  })

  it('names the field and the file of a bad value in it', async () => {
    const file = await folder.file('bad.json', JSON.stringify({ discovery: { kubernetes: { mode: 'pod' } } }))
    const err = thrownBy(() => resolveConfig({ configFile: file }, {}))
    expect(err).to.have.property('field', 'discovery.kubernetes.mode')
    expect(err.message).to.include(`(in ${file})`)
    const unknown = await folder.file('unknown.json', JSON.stringify({ clustername: 'x' }))
    expect(thrownBy(() => resolveConfig({ configFile: unknown }, {}))).to.have.property('field', 'clustername')
  })

  it('blames the source that set the value, not one it overrode', async () => {
    const file = await folder.file('ok.json', JSON.stringify({ http: { port: 9000 } }))
    const err = thrownBy(() => resolveConfig({ configFile: file, http: { port: -1 } }, {}))
    expect(err).to.have.property('field', 'http.port')
    expect(err.message).to.not.include(file)
  })

  it('does not let a file name another file', async () => {
    const file = await folder.file('nested.json', JSON.stringify({ configFile: 'other.json' }))
    expect(thrownBy(() => resolveConfig({ configFile: file }, {}))).to.have.property('field', 'configFile')
  })
})
