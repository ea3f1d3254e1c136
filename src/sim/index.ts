// A seeded simulator for users' tests and ours: the real protocol parts of several nodes on virtual time and a
// simulated network, replayed exactly from a seed.
export { Scheduler } from './scheduler.ts'
export { SimNetwork } from './network.ts'
export type { SimNetworkInit, SimHost, SimMessaging } from './network.ts'
export { SimMembership } from './sim-membership.ts'
export { SimNode } from './sim-node.ts'
export type { SimNodeInit, SimWorld } from './sim-node.ts'
export { SimCluster } from './sim-cluster.ts'
export type { SimClusterInit } from './sim-cluster.ts'
