// Nodes that find each other through a real DNS server (dnsmasq, SRV records): discovery errors are events and
// never stop the node, and a member that DNS stops listing stays a member until the failure detector says it left.
import { expect } from 'aegir/chai'
import { startDnsmasq, DNSMASQ_ZONE } from '../fixtures/dnsmasq.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { DiscoveryError } from '../../src/discovery/errors.ts'
import type { Dnsmasq } from '../fixtures/dnsmasq.ts'

const SERVICE = `_foundation._tcp.${DNSMASQ_ZONE}`
const ROUND = 200

function port (node: FoundationNode): number {
  return Number(/\/tcp\/(\d+)/.exec(node.addresses()[0])?.[1])
}

function srvOf (nodes: FoundationNode[]): Array<{ target: string, port: number }> {
  return nodes.map(node => ({ target: `host.${DNSMASQ_ZONE}`, port: port(node) }))
}

describe('cluster: discovery through DNS', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()
  let dns: Dnsmasq

  beforeEach(async () => {
    dns = await startDnsmasq({ hosts: { [`host.${DNSMASQ_ZONE}`]: ['127.0.0.1'] } })
  })

  afterEach(async () => {
    await nodes.stopAll()
    await dns.stop()
  })

  async function startThree (): Promise<{ started: FoundationNode[], errors: DiscoveryError[] }> {
    const clusterName = uniqueCluster()
    const errors: DiscoveryError[] = []
    const started = await nodes.startMany(3, {
      clusterName,
      discovery: { dns: { name: SERVICE, mode: 'srv', servers: [dns.server], interval: ROUND, minBackoff: ROUND, maxBackoff: ROUND } }
    })
    for (const node of started) { node.addEventListener('discovery:error', evt => { errors.push(evt.detail) }) }
    return { started, errors }
  }

  it('reports a name that does not exist yet as an error event, keeps running, and forms once the records appear', async () => {
    const { started, errors } = await startThree()
    await eventually(() => errors.length >= 3, 'discovery errors for the missing SRV name')
    expect(errors[0].name).to.equal('DnsNameNotFoundError')
    expect(started.every(n => n.info().nodes === 1 && n.info().health === 'healthy')).to.be.true()

    await dns.setRecords({ hosts: { [`host.${DNSMASQ_ZONE}`]: ['127.0.0.1'] }, srv: { [SERVICE]: srvOf(started) } })
    await formed(started)
    const info = started[0].info()
    expect(info.strategy).to.equal('dns')
    expect(info.discovery.strategies[0]).to.include({ name: 'dns', candidates: 2, failures: 0 })
  })

  it('keeps a member DNS stops listing until the failure detector says it is gone', async () => {
    const { started } = await startThree()
    const [a, b, c] = started
    await dns.setRecords({ hosts: { [`host.${DNSMASQ_ZONE}`]: ['127.0.0.1'] }, srv: { [SERVICE]: srvOf(started) } })
    await formed(started)

    // c's record goes, as when a DNS answer is cut short or a registration lapses: c is still up
    await dns.setRecords({ hosts: { [`host.${DNSMASQ_ZONE}`]: ['127.0.0.1'] }, srv: { [SERVICE]: srvOf([a, b]) } })
    await eventually(() => a.info().discovery.strategies[0].candidates === 1, 'a\'s next round lists only b')
    await new Promise(resolve => setTimeout(resolve, 5 * ROUND))
    expect(a.info().nodes).to.equal(3)
    expect(b.info().nodes).to.equal(3)

    await c.stop()
    await eventually(() => a.info().nodes === 2 && b.info().nodes === 2, 'c is gone once it left')
  })
})
