import { expect } from 'aegir/chai'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import { Counter, instances, runsOnceEach } from './fixtures.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

describe('distributed actors', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()

  afterEach(async () => { await nodes.stopAll() })

  async function cluster (count: number, init: Parameters<TestNodes['startMany']>[1] = {}): Promise<FoundationNode[]> {
    const all = await nodes.startMany(count, { clusterName: uniqueCluster(), ...init })
    await formed(all)
    for (const node of all) { node.define(Counter) }
    return all
  }

  it('runs each actor once, placed across the members, and answers by name from any node', async () => {
    const all = await cluster(3)
    for (let i = 0; i < 30; i++) { await all[i % 3].spawn(Counter, { name: `c-${i}`, distribute: true }) }
    await eventually(() => all.every(n => n.distribution.list().length === 30), 'every node knows all 30')
    expect(runsOnceEach(all, 30)).to.equal(true)
    const hosts = new Set(all.flatMap(n => n.distribution.hostedNames().length > 0 ? [n.id] : []))
    expect(hosts.size).to.equal(3)
    for (let i = 0; i < 30; i++) {
      const answer = await all[(i + 1) % 3].call<{ count: number, node: string }>(`c-${i}`, { add: 1 })
      expect(answer.count).to.equal(1)
      expect(answer.node).to.equal((await all[0].lookup(`c-${i}`))?.node)
    }
  })

  it('refuses a second actor under a live name', async () => {
    const all = await cluster(2)
    await all[0].spawn(Counter, { name: 'only', distribute: true })
    await eventually(() => all[1].distribution.has('only'), 'the name is known')
    await expect(all[1].spawn(Counter, { name: 'only', distribute: true })).to.eventually.be.rejected.with.property('name', 'NameTakenError')
  })

  it('restarts the actors of a dead member on the others, once each', async () => {
    const all = await cluster(3)
    for (let i = 0; i < 30; i++) { await all[0].spawn(Counter, { name: `f-${i}`, distribute: true }) }
    const victim = all.find(n => n.distribution.hostedNames().length > 0 && n !== all[0]) ?? all[1]
    const lost = victim.distribution.hostedNames()
    expect(lost.length).to.be.greaterThan(0)
    await victim.host.stop()
    const survivors = all.filter(n => n !== victim)
    await eventually(() => runsOnceEach(survivors, 30), 'all 30 run once on the survivors')
    for (const name of lost) {
      const answer = await survivors[0].call<{ node: string }>(name, { get: true })
      expect(answer.node).to.not.equal(victim.id)
    }
  })

  it('moves every actor with its state when a member stops gracefully', async () => {
    const all = await cluster(3)
    for (let i = 0; i < 30; i++) { await all[0].spawn(Counter, { name: `h-${i}`, distribute: true }) }
    for (let i = 0; i < 30; i++) { await all[0].call(`h-${i}`, { add: i + 1 }) }
    const leaving = all[1]
    const moved = leaving.distribution.hostedNames()
    expect(moved.length).to.be.greaterThan(0)
    await leaving.stop()
    const staying = all.filter(n => n !== leaving)
    for (let i = 0; i < 30; i++) {
      const answer = await staying[i % 2].call<{ count: number, node: string, resumed: boolean }>(`h-${i}`, { get: true })
      expect(answer.count).to.equal(i + 1)
      expect(answer.node).to.not.equal(leaving.id)
      if (moved.includes(`h-${i}`)) { expect(answer.resumed).to.equal(true) }
    }
  })

  it('migrates an actor with its state, and delivers what was sent during the move after it', async () => {
    const all = await cluster(3)
    const ref = await all[0].spawn(Counter, { name: 'm', distribute: true })
    const to = all.find(n => n.id !== ref.node) as FoundationNode
    await all[2].call('m', { add: 5 })
    const sending = Array.from({ length: 50 }, async () => all[2].call('m', { add: 1 }))
    const moved = await all[2].migrate('m', { to: to.name })
    await Promise.all(sending)
    expect(moved.node).to.equal(to.id)
    const answer = await all[0].call<{ count: number, node: string }>('m', { get: true })
    expect(answer).to.include({ count: 55, node: to.id })
    expect(instances(all).get('m')).to.equal(1)
    await expect(all[0].migrate({ node: all[0].id, id: '1' }, { to: to.name })).to.eventually.be.rejected.with.property('name', 'ActorNotFoundError')
  })

  it('counts a send to a distributed actor that does not exist as undeliverable', async () => {
    const all = await cluster(2)
    const before = all[0].info().undeliverable
    all[0].send({ node: all[1].id, id: '~nobody' }, { add: 1 })
    all[0].send('nobody-at-all', { add: 1 })
    await eventually(() => all[0].info().undeliverable === before + 2, 'both sends are counted')
    expect(all[0].info().distributed).to.deep.equal({ actors: 0, local: 0 })
  })

  it('keeps one instance per name after a partition heals, and ends the duplicates', async () => {
    const all = await cluster(4)
    for (let i = 0; i < 20; i++) { await all[0].spawn(Counter, { name: `p-${i}`, distribute: true }) }
    const duplicates: string[] = []
    for (const node of all) { node.addEventListener('actor:duplicate', (evt) => { duplicates.push(evt.detail.name) }) }
    await nodes.cuts.partition(all.slice(0, 2), all.slice(2))
    await formed(all, 2)
    // each side runs all 20: its own and the other side's, failed over
    await eventually(() => instances(all.slice(0, 2)).size === 20 && instances(all.slice(2)).size === 20, 'each side runs every actor')
    nodes.cuts.heal()
    await formed(all)
    await eventually(() => runsOnceEach(all, 20), 'one instance of each after the heal')
    expect(duplicates.length).to.be.greaterThan(0)
    // the holders' directory writes reach every node in batches, a moment after the duplicates end
    await eventually(async () => {
      for (let i = 0; i < 20; i++) {
        const holder = (await all[0].lookup(`p-${i}`))?.node
        for (const node of all) {
          if ((await node.lookup(`p-${i}`))?.node !== holder) { return false }
        }
      }
      return true
    }, 'every node resolves each name to the same holder')
  })

  it('stops quorum actors on the minority side and keeps them on the majority side', async () => {
    const all = await cluster(5)
    for (let i = 0; i < 20; i++) { await all[0].spawn(Counter, { name: `q-${i}`, distribute: true, quorum: true }) }
    const minority = all.slice(0, 2)
    const majority = all.slice(2)
    await nodes.cuts.partition(minority, majority)
    await formed(minority, 2)
    await formed(majority, 3)
    await eventually(() => instances(minority).size === 0, 'the minority runs none')
    await eventually(() => instances(majority).size === 20, 'the majority runs all 20')
    await expect(minority[0].spawn(Counter, { name: 'q-new', distribute: true, quorum: true })).to.eventually.be.rejected.with.property('name', 'NoQuorumError')
    nodes.cuts.heal()
    await formed(all)
    await eventually(() => runsOnceEach(all, 20), 'one instance of each after the heal')
  })

  it('restores a crashed actor from its latest checkpoint', async () => {
    const all = await cluster(3)
    await all[0].spawn(Counter, { name: 'cp', distribute: true, checkpoint: { interval: 100, replicas: 2 } })
    await all[0].call('cp', { add: 7 })
    const holder = all.find(n => n.distribution.hostedNames().includes('cp')) as FoundationNode
    await new Promise(resolve => setTimeout(resolve, 400))
    await holder.host.stop()
    const survivor = all.find(n => n !== holder) as FoundationNode
    await eventually(async () => {
      try {
        const answer = await survivor.call<{ count: number, node: string }>('cp', { get: true }, { timeout: 500 })
        return answer.node !== holder.id && answer.count === 7
      } catch { return false }
    }, 'the actor answers elsewhere with its checkpointed count')
  })
})
