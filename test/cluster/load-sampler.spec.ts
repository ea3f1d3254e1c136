// The load sampler samples the platform's probe once per interval, and hands out the last sample between them.
import { expect } from 'aegir/chai'
import { LoadSampler } from '../../src/cluster/load-sampler.ts'
import type { LoadProbe } from '../../src/cluster/load-sampler.ts'

/** A probe counting its samples: each tells how many were taken, as its heap share in hundredths. */
function countingProbe (): LoadProbe & { samples: number, stopped: boolean } {
  return {
    samples: 0,
    stopped: false,
    sample () { return { heap: ++this.samples / 100 } },
    stop () { this.stopped = true }
  }
}

describe('load sampler', () => {
  it('samples once per interval, however often the sample is read, and stops the probe', async () => {
    const probe = countingProbe()
    const sampler = new LoadSampler({ probe: () => probe }, { interval: 50 })
    sampler.start()
    expect(sampler.latest(), 'nothing before the first interval').to.deep.equal({})
    await new Promise(resolve => setTimeout(resolve, 130))
    for (let i = 0; i < 100; i++) { sampler.latest() }
    expect(probe.samples).to.equal(2)
    expect(sampler.latest()).to.deep.equal({ heap: 0.02 })
    sampler.stop()
    expect([probe.stopped, sampler.latest()]).to.deep.equal([true, {}])
    await new Promise(resolve => setTimeout(resolve, 100))
    expect(probe.samples, 'no sample once stopped').to.equal(2)
  })

  it('gives an empty sample where the platform measures nothing', () => {
    const sampler = new LoadSampler({})
    sampler.start()
    expect(sampler.latest()).to.deep.equal({})
    sampler.stop()
  })
})
