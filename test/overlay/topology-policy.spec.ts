// The overlay's shape by cluster size: thresholds with hysteresis and a settling time, so a size that hovers around a
// threshold switches once per real crossing; checked over a simulated hour of a size swinging ±10%.
import { expect } from 'aegir/chai'
import { seededRandom } from '../../src/membership/swim/random.ts'
import { DEFAULT_TOPOLOGY_THRESHOLDS, InvalidTopologyThresholdsError, TopologyPolicy } from '../../src/overlay/topology-policy.ts'
import type { TopologyChange } from '../../src/overlay/topology-policy.ts'

const HOUR = 60 * 60_000
const SEEDS = [1, 2, 3, 4, 5]

/** A size swinging ±10% around `centre`, one join or leave at a time every 1-10 s, for `ms`; every change the policy made. */
function swing (policy: TopologyPolicy, centre: number, seed: number, ms: number): { changes: TopologyChange[], sizes: number[] } {
  const random = seededRandom(seed)
  const low = Math.floor(centre * 0.9)
  const high = Math.ceil(centre * 1.1)
  let size = centre
  const changes: TopologyChange[] = []
  const sizes: number[] = []
  for (let now = 0; now < ms; now += 1000 + Math.floor(random() * 9000)) {
    size = Math.min(high, Math.max(low, size + (random() < 0.5 ? -1 : 1)))
    sizes.push(size)
    const change = policy.observe(size, now)
    if (change != null) { changes.push(change) }
  }
  return { changes, sizes }
}

describe('overlay topology by size', () => {
  it('grows from a full mesh to partial views and to client-server, and back, once each size has held', () => {
    const policy = new TopologyPolicy({ settle: 1000 })
    expect(policy.observe(10, 0)).to.equal(undefined)
    expect(policy.observe(64, 1000), 'a size must hold before the switch').to.equal(undefined)
    const toPartial = policy.observe(70, 2000)
    expect(toPartial).to.include({ from: 'full-mesh', to: 'partial-view', epoch: 1, members: 70 })
    expect(toPartial?.reason).to.match(/70 members/)
    policy.observe(6000, 3000)
    expect(policy.observe(6000, 4000)).to.include({ to: 'client-server', epoch: 2 })
    policy.observe(4500, 5000)
    expect(policy.current, '4,500 is inside the band: client-server stays').to.equal('client-server')
    policy.observe(3000, 6000)
    expect(policy.observe(3000, 7000)).to.include({ from: 'client-server', to: 'partial-view', epoch: 3 })
    policy.observe(20, 8000)
    expect(policy.observe(20, 9000)).to.include({ from: 'partial-view', to: 'full-mesh', epoch: 4 })
  })

  it('starts the settling time again when the size calls for another shape or none', () => {
    const policy = new TopologyPolicy({ settle: 1000 })
    policy.observe(70, 0)
    policy.observe(60, 500)
    expect(policy.observe(70, 1200), 'a dip below the threshold broke the run').to.equal(undefined)
    expect(policy.observe(70, 2200)).to.include({ to: 'partial-view' })
  })

  it('takes the shape the size calls for at once while joining, and waits the settling time after', () => {
    const policy = new TopologyPolicy({ settle: 30_000 }, 'full-mesh', true)
    expect(policy.joining(0), 'before it counts another member').to.equal(true)
    expect(policy.observe(2, 1100)).to.equal(undefined)
    const joined = policy.observe(200, 1500)
    expect(joined, 'a newcomer learning a large cluster').to.include({ from: 'full-mesh', to: 'partial-view', epoch: 1 })
    expect(joined?.reason).to.match(/200 members on joining/)
    expect(policy.joining(2000), 'one switch ends the joining').to.equal(false)
    expect(policy.observe(20, 3000), 'a shrink waits the settling time').to.equal(undefined)
    expect(policy.observe(20, 33_000)).to.include({ to: 'full-mesh', epoch: 2 })

    const late = new TopologyPolicy({ settle: 30_000 }, 'full-mesh', true)
    expect(late.observe(2, 0)).to.equal(undefined)
    expect(late.observe(200, 31_000), 'past one settling time from its first contact, a grown cluster waits too').to.equal(undefined)
    expect(late.observe(200, 61_000)).to.include({ to: 'partial-view' })

    const slow = new TopologyPolicy({ settle: 30_000 }, 'full-mesh', true)
    expect(slow.observe(1, 0)).to.equal(undefined)
    expect(slow.observe(200, 40_000), 'a newcomer that heard from its seed late still joins at once').to.include({ to: 'partial-view', epoch: 1 })
  })

  for (const seed of SEEDS) {
    for (const centre of [DEFAULT_TOPOLOGY_THRESHOLDS.partialFrom, DEFAULT_TOPOLOGY_THRESHOLDS.fullMeshAtMost, DEFAULT_TOPOLOGY_THRESHOLDS.clientServerFrom]) {
      it(`switches at most once per real crossing while the size swings ±10% around ${centre} for an hour (seed ${seed})`, () => {
        const start = centre === DEFAULT_TOPOLOGY_THRESHOLDS.fullMeshAtMost ? 'partial-view' : centre === DEFAULT_TOPOLOGY_THRESHOLDS.clientServerFrom ? 'partial-view' : 'full-mesh'
        const policy = new TopologyPolicy({}, start)
        const { changes, sizes } = swing(policy, centre, seed, HOUR)
        // a real crossing goes all the way through a band: from one side of both its thresholds to the other
        const t = DEFAULT_TOPOLOGY_THRESHOLDS
        const bands: Array<[number, number]> = [[t.fullMeshAtMost, t.partialFrom], [t.partialAtMost, t.clientServerFrom]]
        let crossings = 0
        for (const [low, high] of bands) {
          let side: 'low' | 'high' | undefined
          for (const size of sizes) {
            const now = size <= low ? 'low' : size >= high ? 'high' : side
            if (side != null && now !== side) { crossings++ }
            side = now
          }
        }
        expect(changes.length, `${changes.map(c => `${c.from}->${c.to}@${c.members}`).join(', ')}`).to.be.at.most(Math.max(1, crossings))
        expect(new Set(changes.map(c => c.epoch)).size).to.equal(changes.length)
      })
    }
  }

  it('would switch dozens of times in the same swing without its band and settling time', () => {
    const narrow = new TopologyPolicy({ partialFrom: 64, fullMeshAtMost: 63, settle: 0 })
    expect(swing(narrow, 64, 1, HOUR).changes.length).to.be.above(20)
    expect(swing(new TopologyPolicy(), 64, 1, HOUR).changes.length).to.equal(1)
  })

  it('refuses thresholds that would flip back and forth, naming them', () => {
    expect(() => new TopologyPolicy({ fullMeshAtMost: 64, partialFrom: 64 })).to.throw(InvalidTopologyThresholdsError, /fullMeshAtMost must be below partialFrom/)
    expect(() => new TopologyPolicy({ settle: -1 })).to.throw(InvalidTopologyThresholdsError, /settle/)
    expect(() => new TopologyPolicy({ partialAtMost: 6000 })).to.throw(InvalidTopologyThresholdsError, /partialAtMost must be below clientServerFrom/)
  })
})
