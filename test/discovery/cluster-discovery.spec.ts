// Several strategies side by side: every one's peers reach the connector, errors become events, and one strategy
// that cannot start keeps neither the others nor the node from running.
import { TypedEventEmitter } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { expect } from 'aegir/chai'
import { ClusterDiscovery } from '../../src/discovery/cluster-discovery.ts'
import { DiscoveryForbiddenError } from '../../src/discovery/errors.ts'
import { StaticDiscovery } from '../../src/discovery/static/index.ts'
import type { Candidate, DiscoveryError, DiscoveryEvents, DiscoveryStrategy, StrategyName, StrategyStatus } from '../../src/discovery/index.ts'

const components = { logger: defaultLogger(), self: { peerId: 'self', name: 'self', addresses: () => [] } }

/** A backend that refuses us every round, as a Kubernetes API without the RBAC rule does. */
class RefusedStrategy extends TypedEventEmitter<DiscoveryEvents> implements DiscoveryStrategy {
  readonly name = 'kubernetes'
  readonly status: Omit<StrategyStatus, 'name'> = { candidates: 0, failures: 0 }
  private timer?: ReturnType<typeof setInterval>

  isStarted (): boolean { return this.timer != null }

  async start (): Promise<void> {
    this.timer = setInterval(() => {
      const error = new DiscoveryForbiddenError('kubernetes', 'grant list on pods')
      this.status.failures++
      this.status.lastError = { name: error.name, message: error.message }
      this.safeDispatchEvent('error', { detail: error })
    }, 50)
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
  }
}

/** A strategy whose start throws, which a strategy must never do: the node runs on regardless. */
class BrokenStrategy extends RefusedStrategy {
  override async start (): Promise<void> { throw new Error('broken') }
}

describe('discovery: several strategies at once', () => {
  let discovery: ClusterDiscovery | undefined

  afterEach(async () => {
    await discovery?.stop()
  })

  it('hands every strategy\'s peers on, each tagged with its strategy, and forwards errors as events', async () => {
    const offered: Array<{ from: StrategyName, candidates: Candidate[] }> = []
    const errors: DiscoveryError[] = []
    const primary = new StaticDiscovery(components, { peers: ['10.0.0.1:4001'], interval: 50 })
    const secondary = new StaticDiscovery(components, { peers: ['10.0.0.2:4001'], interval: 50 })
    const refused = new RefusedStrategy()
    discovery = new ClusterDiscovery(
      { log: defaultLogger().forComponent('test'), offer: (candidates, from) => { offered.push({ from, candidates }) } },
      [primary, secondary, refused],
      { chosenBy: 'cluster', reason: 'configured' }
    )
    discovery.addEventListener('discovery:error', evt => { errors.push(evt.detail) })
    await discovery.start()
    await new Promise(resolve => setTimeout(resolve, 200))

    const addresses = new Set(offered.flatMap(o => o.candidates.flatMap(c => c.addresses)))
    expect([...addresses].sort()).to.deep.equal(['/ip4/10.0.0.1/tcp/4001', '/ip4/10.0.0.2/tcp/4001'])
    expect(offered.every(o => o.from === 'static')).to.be.true()
    expect(errors.length).to.be.greaterThan(0)
    expect(errors[0]).to.be.an.instanceOf(DiscoveryForbiddenError)

    const info = discovery.info()
    expect(info).to.include({ chosenBy: 'cluster', reason: 'configured' })
    expect(info.strategies.map(s => s.name)).to.deep.equal(['static', 'static', 'kubernetes'])
    expect(info.strategies[0].candidates).to.equal(1)
    expect(info.strategies[2].failures).to.be.greaterThan(0)
    expect(info.strategies[2].lastError?.name).to.equal('DiscoveryForbiddenError')

    await discovery.stop()
    const after = offered.length + errors.length
    await new Promise(resolve => setTimeout(resolve, 150))
    expect(offered.length + errors.length).to.equal(after)
    expect(primary.isStarted() || secondary.isStarted() || refused.isStarted()).to.be.false()
  })

  it('runs the other strategies when one fails to start', async () => {
    const offered: Candidate[] = []
    discovery = new ClusterDiscovery(
      { log: defaultLogger().forComponent('test'), offer: (candidates) => { offered.push(...candidates) } },
      [new BrokenStrategy(), new StaticDiscovery(components, { peers: ['10.0.0.3:4001'], interval: 50 })],
      { chosenBy: 'discovery', reason: 'configured' }
    )
    await discovery.start()
    await new Promise(resolve => setTimeout(resolve, 120))
    expect(offered.map(c => c.addresses[0])).to.include('/ip4/10.0.0.3/tcp/4001')
  })
})
