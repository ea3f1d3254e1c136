// Node's measures of its own process: a busy event loop shows as cpu and lag, and the heap as a share of its limit.
import { getHeapStatistics } from 'node:v8'
import { expect } from 'aegir/chai'
import { nodeLoadProbe } from '../../../src/platform/node/load-probe.ts'
import type { LoadProbe } from '../../../src/cluster/load-sampler.ts'

const BLOCK_MS = 300

async function tick (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

function blockFor (ms: number): void {
  const until = Date.now() + ms
  while (Date.now() < until) { /* the event loop is held, as by a long synchronous handler */ }
}

describe('the Node load probe', () => {
  let probe: LoadProbe | undefined
  afterEach(() => { probe?.stop() })

  it('measures a blocked event loop as cpu and lag over the interval, and the heap in use', async () => {
    probe = nodeLoadProbe()
    await tick(100)
    probe.sample()
    // past the monitor's first tick after the sample: that tick only starts its next measure (see load-probe.ts)
    await tick(30)
    blockFor(BLOCK_MS)
    // the monitor records the block on its next tick
    await tick(50)
    const busy = probe.sample()
    expect(busy.cpu, 'the block held one core most of the interval').to.be.greaterThan(0).and.at.most(1)
    expect(busy.eventLoopLag, 'about the block, less the monitor\'s own tick').to.be.within(BLOCK_MS - 50, BLOCK_MS + 100)
    const { used_heap_size: used, heap_size_limit: limit } = getHeapStatistics()
    expect(busy.heap, 'the share of the heap limit in use').to.be.closeTo(used / limit, 0.01)

    await tick(300)
    const idle = probe.sample()
    expect(idle.eventLoopLag, 'the monitor was reset: the block is no longer in it').to.be.below(BLOCK_MS / 2)
    expect(idle.cpu).to.be.below(busy.cpu as number)
  })
})
