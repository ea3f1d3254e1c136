// The shape switched live in the simulator: 100-odd nodes whose number swings around the client-server threshold,
// each switching by the member count as its own membership has it (a lag of 1-5 s), for simulated minutes. Nodes
// switch no more often than the size really crosses a threshold, the overlay never splits, and every broadcast
// reaches every node that stayed. The benchmark `topology-switch` runs the same for a simulated hour, up to 5,000 nodes.
import { expect } from 'aegir/chai'
import { runOscillation } from '../../benchmarks/overlay/oscillation-scenario.ts'
import { OverlaySim } from '../../src/sim/overlay-sim.ts'
import type { SwitchingOverlay } from '../../src/overlay/switching/index.ts'

const THRESHOLDS = { clientServerFrom: 120, partialAtMost: 96 }
const MINUTES = 60_000

describe('overlay: the shape switched live in the simulator', function () {
  this.timeout(120_000)

  it('switches once while the size swings ±10% around the client-server threshold, never splitting', () => {
    const figures = runOscillation({ seed: 3, centre: 120, swing: 0.1, period: 10 * MINUTES, duration: 20 * MINUTES, thresholds: THRESHOLDS })
    expect(figures.sizeMin).to.equal(108)
    expect(figures.sizeMax).to.equal(132)
    expect(figures.centreCrossings, 'the size crossed the threshold back and forth').to.be.at.least(3)
    // the growth past 64 (partial views) and the first rise past 120; never back under 96
    expect(figures.realCrossings).to.equal(2)
    expect(figures.nodesOverCrossings).to.equal(0)
    expect(figures.switchesPerNodeMax).to.be.within(1, 2)
    expect(figures.componentsMax).to.equal(1)
    expect(figures.reliabilityMin).to.equal(1)
    expect(figures.stillSwitchingAtEnd).to.equal(0)
    expect(figures.linksByShape['client-server'], 'links per node in client-server').to.be.above(0)
  })

  it('switches at every real crossing both ways while the size swings across both thresholds, never splitting', () => {
    const figures = runOscillation({ seed: 4, centre: 108, swing: 0.2, period: 10 * MINUTES, duration: 20 * MINUTES, thresholds: THRESHOLDS })
    expect(figures.sizeMin).to.be.at.most(96)
    expect(figures.sizeMax).to.be.at.least(120)
    // the growth past 64, then up past 120 and down to 96 in each of the two swings
    expect(figures.realCrossings).to.equal(5)
    expect(figures.switchesPerNodeMax).to.equal(4)
    expect(figures.nodesOverCrossings).to.equal(0)
    expect(figures.componentsMax).to.equal(1)
    expect(figures.reliabilityMin).to.equal(1)
    expect(figures.stillSwitchingAtEnd).to.equal(0)
  })

  it('replays a switching run exactly from its seed', () => {
    const run = (): string => {
      const sim = new OverlaySim({ seed: 9, shape: 'auto', switching: { thresholds: { partialFrom: 20, fullMeshAtMost: 10, clientServerFrom: 40, partialAtMost: 32, settle: 2000 } } })
      sim.grow(50, 20)
      sim.run(20_000)
      const grown = sim.nodes.map(node => (node.overlay as SwitchingOverlay).shape)
      sim.leave(sim.nodes.slice(0, 25))
      sim.run(20_000)
      const shrunk = sim.up().map(node => (node.overlay as SwitchingOverlay).shape)
      expect(new Set(grown)).to.deep.equal(new Set(['client-server']))
      expect(new Set(shrunk)).to.deep.equal(new Set(['partial-view']))
      return sim.fingerprint()
    }
    expect(run()).to.equal(run())
  })
})
