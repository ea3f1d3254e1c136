// The homes of names on a ring of the members: a few per name, spread evenly, few moved when a member comes or goes,
// and the nodes that read a name kept only as long as their copy lasts.
import { expect } from 'aegir/chai'
import { NameHomes } from '../../src/names/name-homes.ts'

const members = (count: number): string[] => Array.from({ length: count }, (_, i) => `node-${String(i).padStart(3, '0')}`)
const names = Array.from({ length: 3000 }, (_, i) => `name-${i}`)

function homesAt (self: string, ids: string[], now: { t: number }): NameHomes {
  const homes = new NameHomes({ self, now: () => now.t })
  homes.setMembers(ids)
  return homes
}

describe('name homes', () => {
  it('gives every name three distinct homes, the same on every node that counts the same members', () => {
    const ids = members(30)
    const now = { t: 0 }
    const a = homesAt(ids[0], ids, now)
    const b = homesAt(ids[7], [...ids].reverse(), now)
    for (const name of names.slice(0, 200)) {
      const homes = a.homesOf(name)
      expect(new Set(homes).size).to.equal(3)
      expect(b.homesOf(name)).to.deep.equal(homes)
    }
  })

  it('spreads the names: no member is home to more than twice its even share at 200 members', () => {
    const ids = members(200)
    const homes = homesAt(ids[0], ids, { t: 0 })
    const load = new Map<string, number>()
    for (const name of names) {
      for (const home of homes.homesOf(name)) { load.set(home, (load.get(home) ?? 0) + 1) }
    }
    const even = names.length * 3 / ids.length
    expect(Math.max(...load.values())).to.be.below(2 * even)
  })

  it('moves only the names of the member that left, about its share of them', () => {
    const ids = members(30)
    const homes = homesAt(ids[0], ids, { t: 0 })
    const before = new Map(names.map(name => [name, homes.homesOf(name)]))
    homes.setMembers(ids.filter(id => id !== ids[5]))
    let moved = 0
    for (const name of names) {
      const was = before.get(name) ?? []
      const now = homes.homesOf(name)
      const lost = was.filter(home => !now.includes(home))
      if (lost.length > 0) {
        moved++
        expect(lost).to.deep.equal([ids[5]])
      }
    }
    // the member that left was home to about 3/30 of the names
    expect(moved).to.be.within(names.length * 0.05, names.length * 0.15)
  })

  it('asks the homes a name had before a change too, for a moment, and never itself', () => {
    const ids = members(10)
    const now = { t: 0 }
    const homes = homesAt(ids[0], ids, now)
    const name = names.find(n => homes.homesOf(n).includes(ids[3]) && !homes.homesOf(n).includes(ids[0])) as string
    homes.setMembers(ids.filter(id => id !== ids[3]))
    expect(homes.lookupTargets(name)).to.include(ids[3])
    now.t += 10_000
    expect(homes.lookupTargets(name)).to.not.include(ids[3])
    expect(homes.lookupTargets(name)).to.not.include(ids[0])
  })

  it('keeps a reader current while its copy lasts, and a read copy cached as long', () => {
    const ids = members(5)
    const now = { t: 0 }
    const homes = new NameHomes({ self: ids[0], cacheTtl: 1000, now: () => now.t })
    homes.setMembers(ids)
    homes.addReader('x', ids[1])
    homes.fetchedNow('y')
    expect(homes.readersOf('x')).to.deep.equal([ids[1]])
    expect(homes.isCached('y')).to.equal(true)
    now.t = 1500
    expect(homes.readersOf('x')).to.deep.equal([])
    expect(homes.isCached('y')).to.equal(false)
    homes.addReader('x', ids[2])
    homes.forgetReader(ids[2])
    expect(homes.readersOf('x')).to.deep.equal([])
  })
})
