// A member that just joined is probed only once its connection settled, or once its grace ran out: probing it
// sooner would time the dial and the handshake, not the member.
import { expect } from 'aegir/chai'
import { MemberTable } from '../../src/membership/swim/member-table.ts'
import { ProbeOrder } from '../../src/membership/swim/probe-order.ts'
import { seededRandom } from '../../src/membership/swim/random.ts'
import { View } from '../../src/membership/swim/view.ts'

const GRACE = { joinGrace: 30_000, linkSettle: 5_000 }

function viewOf (...others: string[]): View {
  const table = new MemberTable()
  for (const id of others) { table.set({ id, name: id, roles: [], addresses: [], status: 'alive', incarnation: 0 }, 0) }
  return new View({ id: 'self', name: 'self', roles: [], addresses: [] }, table)
}

/** Every member `next` hands out over `draws` calls at `now`. */
function drawn (order: ProbeOrder, now: number, draws = 6): Set<string | undefined> {
  return new Set(Array.from({ length: draws }, () => order.next(now)))
}

describe('join grace', () => {
  it('probes a newcomer once its connection had linkSettle to settle', () => {
    const order = new ProbeOrder(seededRandom(1), viewOf('old', 'new'), GRACE)
    order.add('new', 1000)
    expect(drawn(order, 2000), 'before any connection').to.deep.equal(new Set(['old']))
    order.linked('new', 3000)
    expect(drawn(order, 7999), 'while the connection settles').to.deep.equal(new Set(['old']))
    expect(drawn(order, 8000)).to.deep.equal(new Set(['old', 'new']))
  })

  it('probes a newcomer no connection reaches once its grace ran out, so an unreachable one is still suspected', () => {
    const order = new ProbeOrder(seededRandom(2), viewOf('unreachable'), GRACE)
    order.add('unreachable', 0)
    expect(order.next(29_999), 'the only member is in its grace').to.equal(undefined)
    expect(order.next(30_000)).to.equal('unreachable')
  })

  it('a connection opening later never lengthens a grace', () => {
    const order = new ProbeOrder(seededRandom(3), viewOf('late'), GRACE)
    order.add('late', 0)
    order.linked('late', 28_000)
    expect(order.next(30_000)).to.equal('late')
  })

  it('without a grace, a newcomer is probed in the round it joined', () => {
    const order = new ProbeOrder(seededRandom(4), viewOf('a', 'b'))
    expect(order.next(0)).to.be.oneOf(['a', 'b'])
    order.add('b', 0)
    expect(drawn(order, 0, 4)).to.deep.equal(new Set(['a', 'b']))
  })
})
