import { expect } from 'aegir/chai'
import { LatestDelivered } from '../../../src/messaging/channels/latest-delivered.ts'

describe('messaging/channels/latest-delivered', () => {
  const order = (epoch: number, sequence: number): { key: string, epoch: number, sequence: number } => ({ key: 'k', epoch, sequence })

  it('takes only what is newer than the last delivered per sender and slot', () => {
    const latest = new LatestDelivered()
    expect(latest.accept('a', 's1', order(1, 5))).to.equal(true)
    expect(latest.accept('a', 's1', order(1, 5))).to.equal(false)
    expect(latest.accept('a', 's1', order(1, 4))).to.equal(false)
    expect(latest.accept('a', 's2', order(1, 3)), 'another slot').to.equal(true)
    expect(latest.accept('b', 's1', order(1, 1)), 'another sender').to.equal(true)
    expect(latest.accept('a', 's1', order(1, 6))).to.equal(true)
  })

  it('counts a sender anew from a later epoch, and refuses an earlier one', () => {
    const latest = new LatestDelivered()
    latest.accept('a', 's1', order(10, 100))
    expect(latest.accept('a', 's1', order(11, 1))).to.equal(true)
    expect(latest.accept('a', 's1', order(10, 200))).to.equal(false)
  })

  it('forgets a sender that left, and its oldest slot past the limit', () => {
    const latest = new LatestDelivered(2)
    latest.accept('a', 's1', order(1, 5))
    latest.accept('a', 's2', order(1, 5))
    latest.accept('a', 's3', order(1, 5))
    expect(latest.accept('a', 's1', order(1, 1)), 's1 was forgotten').to.equal(true)
    expect(latest.accept('a', 's3', order(1, 1))).to.equal(false)
    latest.forget('a')
    expect(latest.accept('a', 's3', order(1, 1))).to.equal(true)
  })
})
