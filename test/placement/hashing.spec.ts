// The two hashing strategies share one suite: each must be order-free, minimal in what it moves, and even.
import { expect } from 'aegir/chai'
import { HashRing, place, Placer, rankFor } from '../../src/placement/index.ts'
import { keys, members, shuffled, spread } from './candidates.ts'
import type { PlacementCandidate, PlacementStrategyName } from '../../src/placement/index.ts'

const KEYS = keys(10_000)

for (const strategy of ['rendezvous', 'hash-ring'] as PlacementStrategyName[]) {
  describe(`placement: ${strategy}`, () => {
    const placer = new Placer()
    const ownersOf = (candidates: readonly PlacementCandidate[]): Array<string | undefined> =>
      KEYS.map(key => placer.place(key, strategy, candidates))

    it('gives the same owners whatever order the candidates come in', () => {
      const nodes = members(7)
      // A placer per order, so each order builds its own ring rather than finding the first one cached.
      const first = new Placer()
      const expected = KEYS.map(key => first.place(key, strategy, nodes))
      for (let seed = 1; seed <= 5; seed++) {
        const fresh = new Placer()
        const order = shuffled(nodes, seed)
        expect(KEYS.map(key => fresh.place(key, strategy, order)), `order ${seed}`).to.deep.equal(expected)
      }
    })

    it('spreads 10,000 keys over 5 nodes within 25% of an even share', () => {
      for (const seed of [1, 2, 3]) {
        const nodes = members(5, seed)
        for (const [id, count] of spread(ownersOf(nodes), nodes)) {
          expect(count, `${id} of members(5, ${seed})`).to.be.within(1500, 2500)
        }
      }
    })

    it('moves only the keys of a node that leaves', () => {
      const nodes = members(5)
      const before = ownersOf(nodes)
      const gone = nodes[2].id
      const after = ownersOf(nodes.filter(n => n.id !== gone))
      let moved = 0
      for (let i = 0; i < KEYS.length; i++) {
        if (before[i] === gone) {
          moved++
          expect(after[i]).to.not.equal(gone)
        } else {
          expect(after[i], KEYS[i]).to.equal(before[i])
        }
      }
      expect(moved).to.be.greaterThan(0)
    })

    it('hands a leaving node\'s keys to the next in line, so replicas can be chosen ahead', () => {
      const nodes = members(5)
      const gone = nodes[0].id
      const rest = nodes.filter(n => n.id !== gone)
      const ring = new HashRing(nodes.map(n => n.id))
      for (const key of KEYS.slice(0, 2000)) {
        const line = strategy === 'rendezvous' ? rankFor(key, nodes).map(n => n.id) : ring.successors(key, nodes.length)
        const heir = line.find(id => id !== gone)
        expect(place(key, strategy, rest), key).to.equal(heir)
      }
    })

    for (const n of [1, 4, 9]) {
      it(`moves about 1/${n + 1} of the keys, all to the new node, when a node joins ${n}`, () => {
        const all = members(n + 1, 10 + n)
        const newcomer = all[n].id
        const before = ownersOf(all.slice(0, n))
        const after = ownersOf(all)
        let moved = 0
        for (let i = 0; i < KEYS.length; i++) {
          if (after[i] !== before[i]) {
            moved++
            expect(after[i], KEYS[i]).to.equal(newcomer)
          }
        }
        const expected = KEYS.length / (n + 1)
        expect(moved).to.be.within(expected * 0.6, expected * 1.4)
      })
    }
  })
}
