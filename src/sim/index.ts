// A seeded simulator for users' tests and ours (`foundation-mesh/sim`): the real protocol parts of several nodes on
// virtual time and a simulated network, replayed exactly from a seed; and the overlay simulation, which runs the
// overlay and broadcast cores of thousands of nodes, in any shape or switching between them, with its measures.
export { Scheduler } from './scheduler.ts'
export { SimNetwork } from './network.ts'
export type { SimNetworkInit, SimHost, SimMessaging } from './network.ts'
export { SimMembership } from './sim-membership.ts'
export { SimNode } from './sim-node.ts'
export type { SimNodeInit, SimWorld } from './sim-node.ts'
export { SimCluster } from './sim-cluster.ts'
export type { SimClusterInit } from './sim-cluster.ts'
export { OverlaySim } from './overlay-sim.ts'
export type { BroadcastTally, OverlayNode, OverlaySimInit } from './overlay-sim.ts'
export { components, floodBroadcast, plumtreeBroadcast, plumtreeBroadcasts, symmetricShare } from './overlay-metrics.ts'
export type { BroadcastFigures } from './overlay-metrics.ts'
