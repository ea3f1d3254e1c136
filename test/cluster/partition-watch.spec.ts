import { expect } from 'aegir/chai'
import { PartitionWatch } from '../../src/cluster/partition-watch.ts'
import { FakeMembership } from '../fixtures/fake-membership.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { PartitionDetail } from '../../src/cluster/partition-watch.ts'

type Healed = PartitionDetail & { returned: string[] }

describe('partition watch', () => {
  describe('over a hand-driven membership', () => {
    let membership: FakeMembership
    let watch: PartitionWatch
    let clock: number
    let detected: PartitionDetail[]
    let healed: Healed[]

    beforeEach(() => {
      clock = 1_000
      membership = new FakeMembership('self', ['m1', 'm2', 'm3', 'm4'])
      watch = new PartitionWatch({ membership, now: () => clock }, { forgetAfter: 60_000 })
      detected = []
      healed = []
      watch.addEventListener('partition:detected', (evt) => { detected.push(evt.detail) })
      watch.addEventListener('partition:healed', (evt) => { healed.push(evt.detail) })
      watch.start()
    })

    afterEach(() => { watch.stop() })

    it('counts dead members as unreachable, one detection each, and keeps the majority while more than half is reachable', () => {
      membership.leave('m3', 'dead')
      membership.leave('m1', 'dead')

      expect(detected).to.deep.equal([
        { unreachable: ['m3'], reachable: 4, knownSize: 5, majority: true },
        { unreachable: ['m1', 'm3'], reachable: 3, knownSize: 5, majority: true }
      ])
      expect(watch.unreachable()).to.deep.equal(['m1', 'm3'])
      expect(watch.knownSize()).to.equal(5)
      expect(watch.hasQuorum('majority')).to.be.true()
      expect(watch.hasQuorum(3)).to.be.true()
      expect(watch.hasQuorum(4)).to.be.false()
    })

    it('loses the majority when half or more of the known cluster is unreachable', () => {
      membership.leave('m1', 'dead')
      membership.leave('m2', 'dead')
      membership.leave('m3', 'dead')

      expect(detected.at(-1)).to.deep.equal({ unreachable: ['m1', 'm2', 'm3'], reachable: 2, knownSize: 5, majority: false })
      expect(watch.hasQuorum('majority')).to.be.false()
      expect(watch.hasQuorum(2)).to.be.true()
    })

    it('does not count a member that left gracefully, even one that was unreachable before', () => {
      membership.leave('m1', 'left')
      membership.leave('m2', 'dead')
      membership.leave('m2', 'left')

      expect(detected).to.have.length(1)
      expect(watch.unreachable()).to.deep.equal([])
      expect(watch.knownSize()).to.equal(3)
      expect(watch.hasQuorum('majority')).to.be.true()
    })

    it('reports the members that come back, and only those', () => {
      membership.leave('m1', 'dead')
      membership.leave('m2', 'dead')
      membership.join('m5')
      membership.join('m2')

      expect(healed).to.deep.equal([{ unreachable: ['m1'], reachable: 5, knownSize: 6, majority: true, returned: ['m2'] }])
      expect(watch.unreachable()).to.deep.equal(['m1'])
    })

    it('forgets unreachable members after forgetAfter: they no longer count, and their return is no heal', () => {
      membership.leave('m1', 'dead')
      membership.leave('m2', 'dead')
      membership.leave('m3', 'dead')
      expect(watch.hasQuorum('majority')).to.be.false()

      clock += 59_999
      expect(watch.unreachable()).to.have.length(3)
      clock += 1
      expect(watch.unreachable()).to.deep.equal([])
      expect(watch.knownSize()).to.equal(2)
      expect(watch.hasQuorum('majority')).to.be.true()

      membership.join('m1')
      expect(healed).to.deep.equal([])
    })

    it('counts members already dead when it starts, and stops listening when stopped', () => {
      membership.leave('m4', 'dead')
      const late = new PartitionWatch({ membership, now: () => clock })
      late.start()
      expect(late.unreachable()).to.deep.equal(['m4'])

      late.stop()
      membership.leave('m1', 'dead')
      expect(late.unreachable()).to.deep.equal([])
    })

    it('refuses a negative forgetAfter', () => {
      expect(() => new PartitionWatch({ membership }, { forgetAfter: -1 })).to.throw(RangeError, /forgetAfter/)
    })
  })

  describe('on real nodes cut by the network', function () {
    this.timeout(60_000)
    const nodes = new TestNodes()

    afterEach(async () => { await nodes.stopAll() })

    it('detects a 3|1 partition on both sides, gives the majority to the three, and reports the heal', async () => {
      const all = await nodes.startMany(4, { clusterName: uniqueCluster() })
      await formed(all)
      const [a, b, c, alone] = all
      const majority = [a, b, c]
      const events = new Map<FoundationNode, { detected: PartitionDetail[], healed: Healed[] }>()
      for (const node of all) {
        const seen = { detected: [] as PartitionDetail[], healed: [] as Healed[] }
        node.addEventListener('partition:detected', (evt) => { seen.detected.push(evt.detail) })
        node.addEventListener('partition:healed', (evt) => { seen.healed.push(evt.detail) })
        events.set(node, seen)
      }

      await nodes.cuts.partition(majority, [alone])
      await eventually(() => majority.every(n => n.partitions.unreachable().length === 1) && alone.partitions.unreachable().length === 3, 'each side finds the other unreachable')

      for (const node of majority) {
        expect(node.partitions.unreachable(), `${node.name}'s unreachable`).to.deep.equal([alone.id])
        expect(node.info().partition, `${node.name}'s info`).to.deep.equal({ unreachable: 1, majority: true })
        expect(node.partitions.hasQuorum('majority')).to.be.true()
        expect(events.get(node)?.detected.at(-1)).to.deep.equal({ unreachable: [alone.id], reachable: 3, knownSize: 4, majority: true })
      }
      expect(alone.partitions.unreachable()).to.deep.equal(majority.map(n => n.id).sort())
      expect(alone.info().partition).to.deep.equal({ unreachable: 3, majority: false })
      expect(alone.partitions.hasQuorum('majority')).to.be.false()
      expect(alone.partitions.hasQuorum(1)).to.be.true()
      expect(events.get(alone)?.detected.map(d => d.unreachable.length)).to.deep.equal([1, 2, 3])

      nodes.cuts.heal()
      await formed(all)
      await eventually(() => all.every(n => n.partitions.unreachable().length === 0), 'nobody is unreachable after the heal')
      // the lone node's stale verdicts spread when it returns, so a node may briefly see a neighbour die and return too
      for (const node of majority) {
        expect(events.get(node)?.healed.flatMap(h => h.returned), `${node.name} saw the lone node return`).to.include(alone.id)
        expect(node.info().partition).to.deep.equal({ unreachable: 0, majority: true })
      }
      expect(new Set(events.get(alone)?.healed.flatMap(h => h.returned))).to.deep.equal(new Set(majority.map(n => n.id)))
    })
  })
})
