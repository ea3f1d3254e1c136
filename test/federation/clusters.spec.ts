// Two clusters with different secrets in one process, formed once for every case: `app` (a1, and the app nodes of
// two gateway processes gw1 and gw2, and of f, which holds app and analytics but forwards nothing) and `ai` (b1 with
// the actor 'model', b2, and the ai nodes of gw1 and gw2). The memberships stay apart; app reaches ai's actors only
// through the gateways, which fail over when one is cut off from ai, with no suspicion in app and none among ai's
// other members.
import { expect } from 'aegir/chai'
import { ActorNotFoundError } from '../../src/actors/errors.ts'
import { generateSecret } from '../../src/config/secret.ts'
import { ClusterUnknownError, ClusterUnreachableError, NameNotFoundError } from '../../src/federation/errors.ts'
import { TestFederations } from '../fixtures/federations.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { Actor } from '../../src/actors/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { FoundationFederation } from '../../src/federation/federation.ts'

/** Answers with what it got, and keeps what was sent to it. */
class Model implements Actor {
  readonly sent: unknown[]
  constructor (sent: unknown[]) { this.sent = sent }
  receive (message: unknown): unknown {
    this.sent.push(message)
    return message
  }
}

interface Outcome { ok: boolean, error?: string, ms: number }

/** One call, timed, its failure kept by name. */
async function timedCall (from: FoundationNode, cluster: string, timeout: number): Promise<Outcome> {
  const started = Date.now()
  try {
    await from.callCluster(cluster, 'model', { ping: true }, { timeout })
    return { ok: true, ms: Date.now() - started }
  } catch (err: any) {
    return { ok: false, error: err.name, ms: Date.now() - started }
  }
}

describe('several clusters in one process, and calls across them through gateways', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()
  const federations = new TestFederations(nodes.cuts)
  const app = uniqueCluster('app')
  const ai = uniqueCluster('ai')
  const analytics = uniqueCluster('analytics')
  const secrets = { app: generateSecret(), ai: generateSecret() }
  const sent: unknown[] = []
  /** suspicions and removals each node heard, by name, and whether the cut was healed by then */
  const suspicions: Array<{ by: string, of: string, healed: boolean }> = []
  const leaves: Array<{ by: string, of: string, healed: boolean }> = []
  const phase = { healed: false }
  let a1: FoundationNode
  let b1: FoundationNode
  let b2: FoundationNode
  let gw1: FoundationFederation
  let gw2: FoundationFederation
  let f: FoundationFederation

  const appNodes = (): FoundationNode[] => [a1, gw1.get(app), gw2.get(app), f.get(app)]
  const aiNodes = (): FoundationNode[] => [b1, b2, gw1.get(ai), gw2.get(ai)]
  const gateway = async (name: string): Promise<FoundationFederation> => federations.start({
    clusters: { [app]: { secret: secrets.app, name: `${name}-app` }, [ai]: { secret: secrets.ai, name: `${name}-ai` } },
    gateway: true
  })

  before(async () => {
    b1 = await nodes.start({ clusterName: ai, secret: secrets.ai, name: 'b1' })
    b2 = await nodes.start({ clusterName: ai, secret: secrets.ai, name: 'b2' })
    a1 = await nodes.start({ clusterName: app, secret: secrets.app, name: 'a1' })
    await b1.spawn(Model, { name: 'model', args: [sent] })
    ;[gw1, gw2, f] = await Promise.all([gateway('gw1'), gateway('gw2'), federations.start({
      clusters: { [app]: { secret: secrets.app, name: 'f-app' }, [analytics]: { name: 'f-analytics' } }
    })])
    await formed(appNodes())
    await formed(aiNodes())
    await eventually(() => appNodes().every(n => n === gw1.get(app) || n === gw2.get(app) || n.info().remoteClusters.some(r => r.name === ai && r.gateways === 2)), 'app nodes see both gateways to ai')
    for (const node of [...appNodes(), ...aiNodes()]) {
      node.addEventListener('member:suspect', (evt) => { suspicions.push({ by: node.name, of: evt.detail.name, healed: phase.healed }) })
      node.addEventListener('member:leave', (evt) => { leaves.push({ by: node.name, of: evt.detail.name, healed: phase.healed }) })
    }
  })

  after(async () => {
    await federations.stopAll()
    await nodes.stopAll()
  })

  it('keeps each cluster to its own members, also when a node holding another secret finds them by mDNS', async () => {
    const appIds = new Set(appNodes().map(n => n.id))
    const aiIds = new Set(aiNodes().map(n => n.id))
    for (const node of appNodes()) { expect(node.members().every(m => appIds.has(m.id)), node.name).to.equal(true) }
    for (const node of aiNodes()) { expect(node.members().every(m => aiIds.has(m.id)), node.name).to.equal(true) }
    expect(f.get(analytics).members().map(m => m.name)).to.deep.equal(['f-analytics'])

    // the same cluster name, found on the same machine, another secret
    const stranger = await nodes.start({ clusterName: app, secret: generateSecret(), name: 'stranger' })
    try {
      await eventually(() => (stranger.info().discovery.strategies.find(s => s.name === 'mdns')?.candidates ?? 0) > 0, 'the stranger finds app nodes by mDNS')
      await new Promise(resolve => setTimeout(resolve, 1000))
      expect(stranger.members().map(m => m.name)).to.deep.equal(['stranger'])
      for (const node of appNodes()) { expect(node.members().map(m => m.name), node.name).to.not.include('stranger') }
    } finally {
      await stranger.stop()
    }
  })

  it('calls and sends from nodes of app only to an actor of ai, through the gateways', async () => {
    expect(await a1.callCluster(ai, 'model', { n: 1 })).to.deep.equal({ n: 1 })
    a1.sendToCluster(ai, 'model', { note: 'sent' })
    await eventually(() => sent.some(m => (m as { note?: string }).note === 'sent'), 'the send arrives in ai')
    // a federation that holds app but not ai goes through its app node's gateways
    expect(await f.callCluster(ai, 'model', { n: 2 })).to.deep.equal({ n: 2 })
    // a gateway's own process goes straight to its node in ai, from the federation and from its app node alike
    expect(await gw1.callCluster(ai, 'model', { n: 3 })).to.deep.equal({ n: 3 })
    expect(await gw1.get(app).callCluster(ai, 'model', { n: 4 })).to.deep.equal({ n: 4 })

    expect(a1.info().remoteClusters).to.deep.equal([{ name: ai, gateways: 2, reachable: true }])
    expect(f.info().remoteClusters).to.deep.equal([{ name: ai, gateways: 2, reachable: true, via: [app] }])
    expect(f.names()).to.deep.equal([app, analytics])
    // each cluster's node serves its own HTTP endpoint
    expect(gw1.get(app).info().http).to.be.a('string').and.not.equal(gw1.get(ai).info().http)
    expect(await a1.metrics?.text()).to.include(`foundation_cross_cluster_calls_total{cluster="${ai}",outcome="ok"} 1`)
  })

  it('fails with named errors: a cluster no gateway leads to, a name not registered there', async () => {
    const unknown = await a1.callCluster('nowhere', 'model', {}).catch(err => err)
    expect(unknown).to.be.instanceOf(ClusterUnknownError).and.include({ cluster: 'nowhere' })
    expect(() => { a1.sendToCluster('nowhere', 'model', {}) }).to.throw(ClusterUnknownError)
    expect(() => f.get(ai)).to.throw(ClusterUnknownError)

    for (const from of [a1, gw1.get(app)]) {
      const missing = await from.callCluster(ai, 'no-such-actor', {}).catch(err => err)
      expect(missing, from.name).to.be.instanceOf(NameNotFoundError).and.include({ cluster: ai, actorName: 'no-such-actor' })
      expect(missing).to.be.instanceOf(ActorNotFoundError)
    }
    expect(await a1.metrics?.text()).to.include(`foundation_cross_cluster_calls_total{cluster="${ai}",outcome="not-found"} 1`)
  })

  it('fails over when a gateway is cut off from ai, fails fast when both are, and comes back after the heal: no suspicion in app, none among ai\'s other members', async () => {
    const [gw1Ai, gw2Ai] = [gw1.get(ai), gw2.get(ai)]
    const events: string[] = []
    a1.addEventListener('cluster:unreachable', () => { events.push('a1 unreachable') })
    a1.addEventListener('cluster:reachable', () => { events.push('a1 reachable') })
    f.addEventListener('cluster:unreachable', () => { events.push('f unreachable') })
    f.addEventListener('cluster:reachable', () => { events.push('f reachable') })
    const timeout = 2000

    await nodes.cuts.partition([gw1Ai], [b1, b2, gw2Ai])
    const oneCut: Outcome[] = []
    // until gw1 knows itself cut off and a1 has left it out: every call answered through gw2
    for (let i = 0; i < 100 && a1.crossCluster.remote(ai)?.get(gw1.get(app).id)?.cutOff !== true; i++) {
      oneCut.push(await timedCall(a1, ai, timeout))
    }
    for (let i = 0; i < 10; i++) { oneCut.push(await timedCall(a1, ai, timeout)) }
    expect(oneCut.filter(o => !o.ok), JSON.stringify(oneCut)).to.deep.equal([])

    // with gw2 cut off too, each call fails with a named error, well before its timeout, until a1 knows both are
    // cut off; from then on at once
    await nodes.cuts.partition([gw2Ai], [b1, b2])
    const bothCut: Outcome[] = []
    for (let i = 0; i < 100 && !events.includes('a1 unreachable'); i++) {
      bothCut.push(await timedCall(a1, ai, timeout))
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    for (let i = 0; i < 5; i++) { bothCut.push(await timedCall(a1, ai, timeout)) }
    expect(events, JSON.stringify(bothCut)).to.include('a1 unreachable')
    expect(bothCut.filter(o => o.ms >= timeout), JSON.stringify(bothCut)).to.deep.equal([])
    expect(bothCut.filter(o => !o.ok && ![ClusterUnreachableError.name, 'NodeDownError'].includes(o.error ?? '')), JSON.stringify(bothCut)).to.deep.equal([])
    for (const outcome of bothCut.slice(-5)) {
      expect(outcome, JSON.stringify(bothCut)).to.include({ ok: false, error: ClusterUnreachableError.name })
      expect(outcome.ms, 'failed at once').to.be.below(250)
    }
    // f's app node has made no call since the cut: it learns it from the gateways' load reports
    await eventually(() => events.includes('f unreachable'), () => `f hears that no gateway reaches ai (${events.join(', ')})`)

    // a partition long enough for ai to remove the cut gateways, and for them to remove the rest
    await eventually(() => [gw1Ai, gw2Ai].every(g => leaves.some(({ by, of }) => by === b1.name && of === g.name)), 'b1 removes both cut gateways')
    phase.healed = true
    nodes.cuts.heal()
    await eventually(() => events.includes('a1 reachable') && events.includes('f reachable'), () => `cluster:reachable on a1 and f (${events.join(', ')})`)
    expect(await a1.callCluster(ai, 'model', { back: true }, { timeout })).to.deep.equal({ back: true })

    const cut = (name: string): boolean => name === gw1Ai.name || name === gw2Ai.name
    const inApp = (name: string): boolean => appNodes().some(n => n.name === name)
    expect(suspicions.filter(({ by }) => inApp(by)), 'suspicions in app').to.deep.equal([])
    expect(leaves.filter(({ by }) => inApp(by)), 'removals in app').to.deep.equal([])
    expect(suspicions.filter(({ by, of, healed }) => !healed && !cut(by) && !cut(of)), 'suspicions among ai\'s other members while cut').to.deep.equal([])
    // after the heal the cut nodes' own suspicions of the others reach them, and are refuted, as after any partition
    expect(leaves.filter(({ by, of }) => !cut(by) && !cut(of)), 'removals among ai\'s other members').to.deep.equal([])
  })

  it('reaches a cluster whose only member is the gateway\'s own node', async () => {
    const solo = uniqueCluster('solo')
    const alone = await federations.start({ clusters: { [app]: { secret: secrets.app, name: 'alone-app' }, [solo]: { name: 'alone-solo' } }, gateway: true })
    try {
      await alone.get(solo).spawn(Model, { name: 'model', args: [sent] })
      await eventually(() => a1.info().remoteClusters.some(r => r.name === solo && r.reachable), 'a1 sees the gateway to solo')
      expect(await a1.callCluster(solo, 'model', { alone: true }, { timeout: 2000 })).to.deep.equal({ alone: true })
      expect(alone.get(app).crossCluster.unreachableHere(), 'its load report names nothing').to.deep.equal([])
    } finally {
      await alone.stop()
      federations.federations.splice(federations.federations.indexOf(alone), 1)
    }
    await eventually(() => appNodes().every(n => n.info().nodes === appNodes().length), 'app is back to its members')
  })
})
