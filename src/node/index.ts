// The libp2p host each node runs on: how it is built, how it stays connected to members, and who dials whom.
export type { CreateHostOptions, Host, HostServices, HostTransports } from './create-host.ts'
export type { ConnectPolicy, ConnectorComponents, ConnectorInit } from './connector.ts'
export type { AddressDialerInit } from './address-dialer.ts'
export type { DuplicatePrunerComponents, DuplicatePrunerInit, DuplicatePrunerStats } from './duplicate-pruner.ts'
export type { PairDialOptions, PairHost } from './pair-dial.ts'
export type { FoundationProtocol } from './protocols.ts'
