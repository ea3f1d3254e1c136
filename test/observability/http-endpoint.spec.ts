import { createServer } from 'node:net'
import { expect } from 'aegir/chai'
import { HttpPortInUseError } from '../../src/observability/errors.ts'
import { TestNodes, uniqueCluster } from '../fixtures/nodes.ts'
import type { AddressInfo, Server } from 'node:net'

async function takenPort (): Promise<{ server: Server, port: number }> {
  const server = createServer()
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  return { server, port: (server.address() as AddressInfo).port }
}

describe('the node HTTP endpoint', () => {
  const nodes = new TestNodes()
  afterEach(async () => { await nodes.stopAll() })

  it('serves the JSON of info() at /cluster, on 127.0.0.1 by default', async () => {
    const node = await nodes.start({ clusterName: uniqueCluster(), name: 'web-1' })
    const url = node.info().http
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
    const response = await fetch(`${url}/cluster`)
    expect(response.status).to.equal(200)
    expect(response.headers.get('content-type')).to.match(/^application\/json/)
    const body = await response.json()
    expect(body).to.include({ id: node.id, name: 'web-1', nodes: 1, http: url })
  })

  it('answers an unknown path with 404 and another method than GET with 405', async () => {
    const node = await nodes.start({ clusterName: uniqueCluster() })
    const url = node.info().http ?? ''
    const missing = await fetch(`${url}/nope`)
    expect(missing.status).to.equal(404)
    expect(await missing.json()).to.have.property('path', '/nope')
    const post = await fetch(`${url}/cluster`, { method: 'POST', body: '{}' })
    expect(post.status).to.equal(405)
    expect(post.headers.get('allow')).to.equal('GET, HEAD')
    // the node is unharmed
    expect((await fetch(`${url}/cluster`)).status).to.equal(200)
  })

  it('moves to a free port when the default port is taken, and fails naming http.port when a chosen one is', async () => {
    const blocker = await takenPort()
    try {
      // two nodes on the default port: the second cannot have it
      const [first, second] = await nodes.startMany(2, { clusterName: uniqueCluster() })
      expect(first.info().http).to.be.a('string')
      expect(second.info().http).to.be.a('string').and.not.equal(first.info().http)
      const err = await nodes.start({ clusterName: uniqueCluster(), http: { port: blocker.port } }).then(() => undefined, (e: Error) => e)
      expect(err).to.be.instanceOf(HttpPortInUseError)
      expect(err?.message).to.include(`http.port ${blocker.port}`)
    } finally {
      blocker.server.close()
    }
  })

  it('closes its port on stop even when a part failed to stop, as after its host crashed', async () => {
    const node = await nodes.start({ clusterName: uniqueCluster() })
    const url = node.info().http ?? ''
    await node.host.stop()
    await node.stop().catch(() => {})
    const err = await fetch(`${url}/healthz`).then(() => undefined, (e: Error) => e)
    expect(err, 'the endpoint still answers after stop()').to.be.instanceOf(Error)
  })

  it('serves nothing when http.enabled is false', async () => {
    const node = await nodes.start({ clusterName: uniqueCluster(), http: { enabled: false } })
    expect(node.info()).to.not.have.property('http')
    expect(node.http).to.be.undefined()
  })
})
