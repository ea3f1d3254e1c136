// The simulator ships for users' own tests: `foundation-mesh/sim` resolves to the built package and runs an overlay
// whose shape switches with its size, replayed from a seed.
import { expect } from 'aegir/chai'

describe('package: foundation-mesh/sim', () => {
  it('runs a switching overlay from the built package, one component, a broadcast reaching every node', async () => {
    const { OverlaySim, components, plumtreeBroadcast } = await import('foundation-mesh/sim')
    const sim = new OverlaySim({ seed: 5, shape: 'auto', switching: { thresholds: { partialFrom: 10, fullMeshAtMost: 6, clientServerFrom: 30, partialAtMost: 24, settle: 2000 } } })
    sim.grow(40, 20)
    sim.run(20_000)
    expect(new Set(sim.up().map(node => (node.overlay as { shape?: string }).shape))).to.deep.equal(new Set(['client-server']))
    expect(components(sim.nodes, id => sim.node(id))).to.equal(1)
    expect(plumtreeBroadcast(sim, sim.nodes[0], 'hello').reliability).to.equal(1)
  })
})
