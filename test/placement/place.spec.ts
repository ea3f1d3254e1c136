// Placement without sockets: role constraints, least-loaded, custom functions, rings and the errors.
import { expect } from 'aegir/chai'
import {
  eligible, hash53, HashRing, InvalidPlacementOptionError, place, PlacementError, Placer, rankFor, RingCache
} from '../../src/placement/index.ts'
import { keys, members, shuffled, spread } from './candidates.ts'
import type { PlacementCandidate, PlacementFunction, PlacementStrategyName } from '../../src/placement/index.ts'

const STRATEGIES: PlacementStrategyName[] = ['rendezvous', 'hash-ring', 'least-loaded']

function withLoad (candidate: PlacementCandidate, processes: number): PlacementCandidate {
  return { ...candidate, load: { processes, messageRate: 0 } }
}

describe('placement', () => {
  describe('hash53', () => {
    // Nodes of different versions must agree on every owner: a change here is a breaking wire change.
    it('keeps its values', () => {
      expect(['', 'a', 'orders/42', 'x'.repeat(512), 'ключ'].map(s => hash53(s))).to.deep.equal([
        3910329056669435, 7689868532272109, 1831610252466036, 3080772004161149, 5594090966254547
      ])
      expect(hash53('a', 7)).to.equal(4640509907337150)
    })

    it('stays within 53 bits and differs per seed', () => {
      for (const key of keys(1000)) {
        const h = hash53(key)
        expect(Number.isSafeInteger(h) && h >= 0).to.equal(true)
        expect(hash53(key, 1)).to.not.equal(h)
      }
    })
  })

  describe('empty candidates', () => {
    it('place nowhere with any strategy', () => {
      const never: PlacementFunction = () => { throw new Error('called with no candidates') }
      for (const strategy of [...STRATEGIES, never]) {
        expect(place('a', strategy, [])).to.equal(undefined)
        expect(new Placer().place('a', strategy, [])).to.equal(undefined)
      }
      expect(rankFor('a', [])).to.deep.equal([])
      expect(new HashRing([]).owner('a')).to.equal(undefined)
      expect(new HashRing([]).successors('a', 3)).to.deep.equal([])
    })
  })

  describe('roles', () => {
    const nodes = [
      ...members(3, 1, ['worker']),
      ...members(2, 2, ['worker', 'gpu']),
      ...members(2, 3, ['gpu'])
    ]
    const gpuWorkers = new Set(nodes.slice(3, 5).map(n => n.id))

    it('eligible keeps the candidates that have every role', () => {
      expect(eligible(nodes, ['worker', 'gpu']).map(n => n.id)).to.deep.equal(nodes.slice(3, 5).map(n => n.id))
      expect(eligible(nodes, [])).to.have.length(nodes.length)
      expect(eligible(nodes, ['db'])).to.deep.equal([])
    })

    it('every strategy places only on nodes with every role', () => {
      for (const strategy of STRATEGIES) {
        const owners = keys(500).map(key => place(key, strategy, nodes, { roles: ['worker', 'gpu'] }))
        expect(owners.every(id => id != null && gpuWorkers.has(id)), strategy).to.equal(true)
        // Both eligible nodes get keys: the filter is not collapsing onto one.
        expect(new Set(owners).size, strategy).to.equal(2)
      }
    })

    it('no node with the roles places nowhere', () => {
      for (const strategy of STRATEGIES) {
        expect(place('a', strategy, nodes, { roles: ['db'] })).to.equal(undefined)
      }
    })

    it('the placer ranks only nodes with the roles', () => {
      const ranked = new Placer().rank('a', nodes, { roles: ['gpu'] }).map(n => n.id)
      expect(ranked).to.have.members(nodes.slice(3).map(n => n.id))
    })
  })

  describe('least-loaded', () => {
    const nodes = members(5)

    it('picks the node running the fewest actors', () => {
      const loaded = nodes.map((n, i) => withLoad(n, [40, 12, 3, 25, 7][i]))
      for (const key of keys(200)) {
        expect(place(key, 'least-loaded', loaded)).to.equal(nodes[2].id)
      }
    })

    it('counts a node with no load reported as empty', () => {
      const loaded = nodes.map((n, i) => i === 4 ? n : withLoad(n, 1))
      expect(place('a', 'least-loaded', loaded)).to.equal(nodes[4].id)
    })

    it('breaks ties by rendezvous rank, whatever the order, and spreads over the tied nodes', () => {
      const loaded = nodes.map((n, i) => withLoad(n, i < 3 ? 2 : 9))
      const tied = loaded.slice(0, 3)
      const owners = keys(3000).map(key => place(key, 'least-loaded', loaded))
      for (const [i, key] of keys(3000).entries()) {
        expect(owners[i], key).to.equal(rankFor(key, tied)[0].id)
      }
      for (let seed = 1; seed <= 3; seed++) {
        const order = shuffled(loaded, seed)
        expect(keys(3000).map(key => place(key, 'least-loaded', order))).to.deep.equal(owners)
      }
      for (const [id, count] of spread(owners, tied)) {
        expect(count, id).to.be.within(700, 1300)
      }
    })
  })

  describe('custom function', () => {
    const nodes = [...members(3, 1, ['eu']), ...members(3, 2, ['us'])]
    const eu = nodes.slice(0, 3).map(n => n.id)

    it('sees only eligible candidates, sorted by id and frozen, and its choice is used', () => {
      const seen: Array<readonly PlacementCandidate[]> = []
      const last: PlacementFunction = (_key, candidates) => {
        seen.push(candidates)
        return candidates[candidates.length - 1].id
      }
      const chosen = [place('k', last, nodes, { roles: ['eu'] }), place('k', last, shuffled(nodes, 4), { roles: ['eu'] })]
      expect(seen[0].map(c => c.id)).to.deep.equal([...eu].sort())
      expect(seen[1]).to.deep.equal(seen[0])
      expect(Object.isFrozen(seen[0])).to.equal(true)
      expect(chosen).to.deep.equal([[...eu].sort()[2], [...eu].sort()[2]])
    })

    it('returning undefined places nowhere', () => {
      expect(place('k', () => undefined, nodes)).to.equal(undefined)
    })

    it('is not called when no candidate is eligible', () => {
      let calls = 0
      expect(place('k', () => { calls++; return nodes[0].id }, nodes, { roles: ['asia'] })).to.equal(undefined)
      expect(calls).to.equal(0)
    })

    it('choosing a node without the roles is a PlacementError naming the key and the function', () => {
      const pickUs: PlacementFunction = () => nodes[4].id
      expect(() => place('orders/1', pickUs, nodes, { roles: ['eu'] }))
        .to.throw(PlacementError, /"orders\/1".*pickUs.*without the roles/)
    })

    it('returning an unknown id or a non-string is a PlacementError', () => {
      const bad = [() => 'QmNotAMember', () => 42, () => null, () => ({ id: nodes[0].id })] as unknown as PlacementFunction[]
      for (const fn of bad) {
        let caught: unknown
        try { place('orders/2', fn, nodes) } catch (err) { caught = err }
        expect(caught).to.be.an.instanceOf(PlacementError)
        expect((caught as PlacementError).name).to.equal('PlacementError')
        expect((caught as PlacementError).key).to.equal('orders/2')
        expect((caught as PlacementError).message).to.include('not the id of any candidate')
      }
    })

    it('a function that throws is a PlacementError with the thrown error as cause', () => {
      const boom = new Error('boom')
      let caught: unknown
      try { place('orders/3', () => { throw boom }, nodes) } catch (err) { caught = err }
      expect(caught).to.be.an.instanceOf(PlacementError)
      expect((caught as PlacementError).cause).to.equal(boom)
      expect((caught as PlacementError).strategy).to.equal('a custom function')
    })
  })

  describe('errors', () => {
    it('an unknown strategy name is a PlacementError, even with no candidates', () => {
      for (const candidates of [[], members(2)]) {
        expect(() => place('k', 'round-robin' as PlacementStrategyName, candidates)).to.throw(PlacementError, /round-robin/)
      }
    })

    it('a ring with vnodes out of range is refused', () => {
      for (const vnodes of [0, -1, 1.5, Number.NaN, 100_000]) {
        expect(() => new HashRing(['a'], vnodes), String(vnodes)).to.throw(InvalidPlacementOptionError, /vnodes/)
        expect(() => new RingCache({ vnodes }), String(vnodes)).to.throw(InvalidPlacementOptionError, /vnodes/)
      }
      expect(() => new RingCache({ size: 0 })).to.throw(InvalidPlacementOptionError, /size/)
    })
  })

  describe('rankFor', () => {
    const nodes = members(6)

    it('puts the rendezvous owner first, lists each node once, in any input order', () => {
      for (const key of keys(300)) {
        const ranked = rankFor(key, nodes).map(n => n.id)
        expect(ranked[0]).to.equal(place(key, 'rendezvous', nodes))
        expect(ranked).to.have.members(nodes.map(n => n.id))
        expect(rankFor(key, [...shuffled(nodes, 9), nodes[0]]).map(n => n.id)).to.deep.equal(ranked)
      }
    })
  })

  describe('HashRing', () => {
    const ids = members(5).map(n => n.id)
    const ring = new HashRing(ids)

    it('lists distinct successors, owner first, capped at the node count', () => {
      for (const key of keys(300)) {
        const line = ring.successors(key, 3)
        expect(line[0]).to.equal(ring.owner(key))
        expect(new Set(line).size).to.equal(3)
        expect(ring.successors(key, 99)).to.have.members(ids)
        expect(ring.successors(key, 0)).to.deep.equal([])
      }
    })

    it('is the same ring for the same set of ids in any order, with repeats', () => {
      const other = new HashRing([...shuffled(ids, 3), ids[1]])
      expect(other.nodes).to.deep.equal([...ids].sort())
      expect(keys(1000).map(k => other.successors(k, 5))).to.deep.equal(keys(1000).map(k => ring.successors(k, 5)))
    })

    it('a ring cache reuses a ring per member list and drops the least recently used', () => {
      const cache = new RingCache({ size: 2 })
      const first = cache.ring(ids)
      expect(cache.ring([...ids])).to.equal(first)
      const reordered = new RingCache().ring(shuffled(ids, 5))
      expect(keys(500).map(k => reordered.owner(k))).to.deep.equal(keys(500).map(k => first.owner(k)))
      const second = cache.ring(ids.slice(1))
      expect(cache.ring(ids)).to.equal(first)
      cache.ring(ids.slice(2)) // evicts ids.slice(1), used least recently
      expect(cache.ring(ids)).to.equal(first)
      expect(cache.ring(ids.slice(1))).to.not.equal(second)
    })

    it('a ring cache keeps its own copy of the list it was given', () => {
      const cache = new RingCache()
      const list = ids.slice(0, 3)
      const ring = cache.ring(list)
      list[0] = ids[4]
      expect(cache.ring(list)).to.not.equal(ring)
      expect(cache.ring(list).nodes).to.include(ids[4])
    })
  })

  describe('Placer', () => {
    it('answers as place and rankFor do, across member changes', () => {
      const nodes = members(8, 5).map((n, i) => withLoad(n, i % 3))
      const placer = new Placer({ size: 1 })
      for (const list of [nodes, nodes.slice(2), nodes, shuffled(nodes, 2)]) {
        for (const key of keys(300)) {
          for (const strategy of STRATEGIES) {
            expect(placer.place(key, strategy, list), `${strategy} ${key}`).to.equal(place(key, strategy, list))
          }
          expect(placer.rank(key, list)).to.deep.equal(rankFor(key, list))
        }
      }
    })
  })

  describe('scale', () => {
    it('places 100,000 keys over 50 nodes with every strategy', () => {
      const nodes = members(50, 7).map((n, i) => withLoad(n, i % 4))
      const placer = new Placer()
      for (const strategy of STRATEGIES) {
        const owners = keys(100_000).map(key => placer.place(key, strategy, nodes))
        const counts = spread(owners, nodes)
        const used = [...counts.values()].filter(c => c > 0).length
        // least-loaded only uses the 13 emptiest nodes (load 0); the hash strategies use every node.
        expect(used, strategy).to.equal(strategy === 'least-loaded' ? 13 : 50)
        expect(owners.every(id => id != null), strategy).to.equal(true)
      }
    })
  })
})
