import { expect } from 'aegir/chai'
import { streamIndex } from '../../../src/messaging/channels/channel-senders.ts'
import { OutboundQueue, slotOf } from '../../../src/messaging/channels/outbound-queue.ts'

const bytes = (n: number, fill = 0): Uint8Array => new Uint8Array(n).fill(fill)

/** Takes everything out of the queue, in order. */
function drain (queue: OutboundQueue): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let next = queue.peek(); next !== undefined; next = queue.peek()) {
    out.push(next)
    queue.shift()
  }
  return out
}

describe('messaging/channels/outbound-queue', () => {
  it('keeps publish order and refuses what would pass its byte limit', () => {
    const queue = new OutboundQueue(100)
    expect(queue.add(bytes(40, 1))).to.equal('queued')
    expect(queue.add(bytes(40, 2))).to.equal('queued')
    expect(queue.add(bytes(40, 3))).to.equal('full')
    expect(queue.add(bytes(20, 4))).to.equal('queued')
    expect(queue).to.include({ bytes: 100, length: 3 })
    expect(drain(queue).map(b => b[0])).to.deep.equal([1, 2, 4])
    expect(queue).to.include({ bytes: 0, length: 0 })
  })

  it('puts a newer copy of a slot in the place of the waiting one, and a slot taken out is free again', () => {
    const queue = new OutboundQueue(1000)
    queue.add(bytes(10, 1), slotOf('t', 'a'))
    queue.add(bytes(10, 2), slotOf('t', 'b'))
    expect(queue.add(bytes(30, 3), slotOf('t', 'a'))).to.equal('replaced')
    expect(queue).to.include({ bytes: 40, length: 2 })
    expect(queue.peek()?.[0]).to.equal(3)
    queue.shift()
    expect(queue.add(bytes(10, 4), slotOf('t', 'a'))).to.equal('queued')
    expect(drain(queue).map(b => b[0])).to.deep.equal([2, 4])
  })

  it('refuses a replacement that would pass the limit, and keeps the older copy', () => {
    const queue = new OutboundQueue(50)
    queue.add(bytes(20, 1), slotOf('t', 'a'))
    queue.add(bytes(20, 2), slotOf('t', 'b'))
    expect(queue.add(bytes(40, 3), slotOf('t', 'a'))).to.equal('full')
    expect(drain(queue).map(b => b[0])).to.deep.equal([1, 2])
  })

  it('tells slots apart however topic and key are cut', () => {
    expect(slotOf('ab', 'c')).to.not.equal(slotOf('a', 'bc'))
  })

  it('stays in order across the compaction of a long queue, and clear counts what it drops', () => {
    const queue = new OutboundQueue(1_000_000)
    for (let i = 0; i < 3000; i++) { queue.add(new Uint8Array([i % 256, i >> 8])) }
    for (let i = 0; i < 2000; i++) { queue.shift() }
    for (let i = 3000; i < 3100; i++) { queue.add(new Uint8Array([i % 256, i >> 8])) }
    const rest = drain(queue).map(b => b[0] + (b[1] << 8))
    expect(rest).to.deep.equal(Array.from({ length: 1100 }, (_, i) => 2000 + i))
    queue.add(bytes(5))
    queue.add(bytes(5))
    expect(queue.clear()).to.equal(2)
    expect(queue).to.include({ bytes: 0, length: 0 })
  })

  it('routes one key to one stream, and spreads keys over all of them', () => {
    expect(streamIndex('order-17', 4)).to.equal(streamIndex('order-17', 4))
    const used = new Set(Array.from({ length: 64 }, (_, i) => streamIndex(`k${i}`, 4)))
    expect([...used].sort()).to.deep.equal([0, 1, 2, 3])
  })
})
