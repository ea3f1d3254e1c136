// The options of several clusters: checked before any node starts, each error naming the entry's field; a node that
// fails to start stops the others, leaving nothing running.
import { createServer } from 'node:net'
import { expect } from 'aegir/chai'
import { ConfigError } from '../../src/config/errors.ts'
import { generateSecret } from '../../src/config/secret.ts'
import { resolveFederation } from '../../src/federation/federation-config.ts'
import { startFederation } from '../../src/federation/start-federation.ts'
import { HttpPortInUseError } from '../../src/observability/errors.ts'
import { uniqueCluster } from '../fixtures/nodes.ts'
import type { FederationInit } from '../../src/federation/index.ts'

function configError (init: unknown, env: Record<string, string> = {}): ConfigError {
  try {
    resolveFederation(init as FederationInit, env)
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError)
    return err as ConfigError
  }
  throw new Error('resolved without an error')
}

/** a TCP port free now, found by binding port 0 */
async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

describe('federation options', () => {
  it('names the field of the entry that is wrong', () => {
    expect(configError({ clusters: { app: {}, ai: { secret: 'short' } } })).to.include({ field: 'clusters.ai.secret' })
    expect(configError({ clusters: { app: {}, ai: { membership: { probeInterval: 'fast' } } } })).to.include({ field: 'clusters.ai.membership.probeInterval' })
    expect(configError({ clusters: { app: {}, ai: { clusterName: 'other' } } })).to.include({ field: 'clusters.ai.clusterName', received: 'other' })
    expect(configError({ clusters: { app: {}, ai: { roles: ['$gateway:app'] } } })).to.include({ field: 'clusters.ai.roles[0]' })
    expect(configError({ clusters: { app: {}, ai: 'yes' } })).to.include({ field: 'clusters.ai' })
    expect(configError({ clusters: { app: {}, 'not a name': {} } })).to.include({ field: 'clusters.not a name.clusterName' })
  })

  it('names what is wrong around the entries', () => {
    expect(configError({ clusters: {} })).to.include({ field: 'clusters' })
    expect(configError({ clusters: { app: {} }, gateway: 'yes' })).to.include({ field: 'gateway' })
    expect(configError({ clusters: { app: {} }, clusterName: 'app' })).to.include({ field: 'clusterName' })
    // a variable would set every cluster's secret alike
    const secret = configError({ clusters: { app: {} } }, { FOUNDATION_SECRET: generateSecret() })
    expect(secret).to.include({ field: 'FOUNDATION_SECRET', received: '(hidden)' })
  })

  it('gives a gateway\'s node in each cluster the reserved role of every other one', () => {
    const configs = resolveFederation({ clusters: { app: { roles: ['web'] }, ai: {}, analytics: {} }, gateway: true }, {})
    expect(configs.map(({ name, config }) => [name, config.roles])).to.deep.equal([
      ['app', ['web', '$gateway:ai', '$gateway:analytics']],
      ['ai', ['$gateway:app', '$gateway:analytics']],
      ['analytics', ['$gateway:app', '$gateway:ai']]
    ])
    expect(resolveFederation({ clusters: { app: {}, ai: {} } }, {}).map(({ config }) => config.roles)).to.deep.equal([[], []])
  })

  it('stops the nodes already started when one fails to start, leaving nothing running', async () => {
    const blocker = createServer()
    await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
    const taken = (blocker.address() as { port: number }).port
    const appPort = await freePort()
    try {
      const failed = await startFederation({
        clusters: {
          [uniqueCluster('app')]: { listen: [`/ip4/127.0.0.1/tcp/${appPort}`], discovery: { mdns: false }, http: { enabled: false } },
          [uniqueCluster('ai')]: { listen: ['/ip4/127.0.0.1/tcp/0'], discovery: { mdns: false }, http: { enabled: true, host: '127.0.0.1', port: taken } }
        }
      }, { env: {} }).catch(err => err)
      expect(failed).to.be.instanceOf(HttpPortInUseError)
      // the app node listened on its port; it is free again
      const again = createServer()
      await new Promise<void>((resolve, reject) => { again.once('error', reject).listen(appPort, '127.0.0.1', resolve) })
      await new Promise(resolve => again.close(resolve))
    } finally {
      await new Promise(resolve => blocker.close(resolve))
    }
  })
})
