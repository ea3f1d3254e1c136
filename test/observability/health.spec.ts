import { expect } from 'aegir/chai'
import { NAMES_ENDPOINT } from '../../src/names/name-wire.ts'
import { JoinCheck } from '../../src/observability/health/join-check.ts'
import { healthOf } from '../../src/observability/health/readiness.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { StrategyStatus } from '../../src/discovery/index.ts'
import type { JoinCheckComponents } from '../../src/observability/health/join-check.ts'
import type { ReadinessReport } from '../../src/observability/health/readiness.ts'

async function probe (node: FoundationNode, path: '/healthz' | '/readyz'): Promise<{ status: number, body: any }> {
  const response = await fetch(`${node.info().http ?? ''}${path}`)
  return { status: response.status, body: await response.json() }
}

function check (report: ReadinessReport, name: string): boolean | undefined {
  return report.checks.find(c => c.name === name)?.ok
}

class Idle {
  receive (): void {}
}

describe('health and readiness', function () {
  const nodes = new TestNodes()
  afterEach(async () => { await nodes.stopAll() })

  it('is live and ready once joined, naming every check', async () => {
    const [a, b] = await nodes.startMany(2, { clusterName: uniqueCluster() })
    await formed([a, b])
    await eventually(async () => (await probe(b, '/readyz')).status === 200, 'b is ready')
    const { body } = await probe(b, '/readyz')
    expect(body.ready).to.equal(true)
    expect(body.checks.map((c: any) => [c.name, c.ok])).to.deep.equal([['started', true], ['joined', true], ['names', true], ['cache', true], ['not-draining', true]])
    expect(body.checks[1].detail).to.include('membership synced with 1')
    const health = await probe(b, '/healthz')
    expect(health.status).to.equal(200)
    expect(health.body).to.include({ status: 'ok', lifecycle: 'running' })
  })

  it('is not ready, but live, while stop() hands its distributed actors off', async () => {
    let release = (): void => {}
    const gate = new Promise<void>((resolve) => { release = resolve })
    let handingOff = false
    class Held {
      receive (): void {}
      async handoff (): Promise<unknown> {
        handingOff = true
        await gate
        return { kept: true }
      }
    }
    const [a, b] = await nodes.startMany(2, { clusterName: uniqueCluster() })
    for (const node of [a, b]) { node.define(Held) }
    await formed([a, b])
    const ref = await a.spawn(Held, { name: 'held', distribute: true })
    const holder = ref.node === a.id ? a : b
    await eventually(async () => (await probe(holder, '/readyz')).status === 200, 'the holder is ready')

    const stopping = holder.stop()
    try {
      await eventually(() => handingOff, 'the handoff has begun')
      const ready = await probe(holder, '/readyz')
      expect(ready.status).to.equal(503)
      expect(check(ready.body, 'not-draining')).to.equal(false)
      expect(ready.body.checks.find((c: any) => c.name === 'not-draining').detail).to.include('stopping')
      const health = await probe(holder, '/healthz')
      expect(health.status).to.equal(200)
      expect(health.body.lifecycle).to.equal('stopping')
    } finally {
      release()
      await stopping
    }
  })

  it('keeps a joining node unready until it has read the names of the members', async () => {
    const cluster = uniqueCluster()
    // a long call timeout: the held answer must not time out and count as given up
    const a = await nodes.start({ clusterName: cluster, name: 'a', messaging: { callTimeout: 20_000 } })
    await a.spawn(Idle, { name: 'known' })
    // a answers reads of its names only when the test lets it
    const original = a.endpoints.find(NAMES_ENDPOINT)
    if (original?.call == null) { throw new Error('no names endpoint') }
    const answer = original.call.bind(original)
    const held: Array<() => void> = []
    let holding = true
    a.endpoints.register(NAMES_ENDPOINT, {
      send: original.send?.bind(original),
      call: async (target, body, from) => {
        if (holding && Array.isArray(body) && body[0] === 'pull') { await new Promise<void>(resolve => { held.push(resolve) }) }
        return answer(target, body, from)
      }
    })

    const b = await nodes.start({ clusterName: cluster, name: 'b', messaging: { callTimeout: 20_000 } })
    await formed([a, b])
    await eventually(() => held.length > 0, 'b asks a for its names')
    const waiting = await probe(b, '/readyz')
    expect(waiting.status).to.equal(503)
    expect(check(waiting.body, 'joined')).to.equal(true)
    expect(check(waiting.body, 'names')).to.equal(false)

    holding = false
    for (const release of held.splice(0)) { release() }
    await eventually(async () => (await probe(b, '/readyz')).status === 200, 'b is ready once it has the names')
    expect(await b.lookup('known')).to.deep.include({ node: a.id })
  })

  it('counts a node alone as joined once its first discovery round found no one', async () => {
    const node = await nodes.start({ clusterName: uniqueCluster() })
    await eventually(() => node.readiness().ready, 'a lone node is ready')
    expect(node.readiness().checks.find(c => c.name === 'joined')?.detail).to.include('found no other node')
  })
})

describe('the join check', () => {
  function components (over: Partial<{ others: number, strategies: StrategyStatus[], mdnsRounds: number, uptime: number }>): JoinCheckComponents & { state: typeof over } {
    const state = { others: 0, strategies: [] as StrategyStatus[], mdnsRounds: 0, uptime: 0, ...over }
    return {
      state,
      otherMembers: () => state.others,
      strategies: () => state.strategies,
      mdnsRounds: () => state.mdnsRounds,
      uptime: () => state.uptime
    }
  }

  it('is joined at once without discovery, and once another member is active', () => {
    expect(new JoinCheck(components({})).check().joined).to.equal(true)
    const mdns: StrategyStatus = { name: 'mdns', candidates: 0, failures: 0 }
    expect(new JoinCheck(components({ strategies: [mdns], others: 1 })).check().joined).to.equal(true)
  })

  it('waits for the first round of every strategy: mDNS its first periodic query, a polling strategy an answer or a failure', () => {
    const c = components({ strategies: [{ name: 'mdns', candidates: 0, failures: 0 }, { name: 'dns', candidates: 0, failures: 0 }] })
    const join = new JoinCheck(c)
    expect(join.check()).to.deep.equal({ joined: false, detail: 'waiting for the first discovery round of mdns, dns' })
    c.state.mdnsRounds = 1
    expect(join.check().detail).to.equal('waiting for the first discovery round of dns')
    c.state.strategies![1] = { name: 'dns', candidates: 0, failures: 1 }
    expect(join.check().joined).to.equal(true)
  })

  it('waits for found peers to join, until the grace period ends; once joined, stays joined', () => {
    const c = components({ strategies: [{ name: 'static', candidates: 2, failures: 0, lastSuccess: 1 }], uptime: 100 })
    const join = new JoinCheck(c, 1000)
    expect(join.check()).to.deep.equal({ joined: false, detail: 'discovery found 2 peer(s): waiting for a membership sync' })
    c.state.uptime = 1000
    expect(join.check().joined).to.equal(true)
    c.state.uptime = 10
    expect(join.check().joined).to.equal(true)
  })

  it('says a stopped node is not alive', () => {
    expect(healthOf('stopping', 5).status).to.equal(200)
    expect(healthOf('new', 0).status).to.equal(200)
    expect(healthOf('stopped', 5)).to.deep.equal({ status: 503, body: { status: 'stopped', lifecycle: 'stopped', uptime: 5 } })
  })
})
