// How the node finds its cluster and stays in it: the membership, the connector that dials the members to keep, and
// discovery, which offers the connector the peers it finds.
import { ClusterDiscovery } from '../discovery/cluster-discovery.ts'
import { createMembership } from '../membership/libp2p-membership.ts'
import { Connector, fullMesh } from '../node/connector.ts'
import type { FoundationConfig } from '../config/index.ts'
import type { Libp2pMembership } from '../membership/libp2p-membership.ts'
import type { ConnectorInit } from '../node/connector.ts'
import type { Host } from '../node/create-host.ts'
import type { NodeKeys } from '../node/node-keys.ts'
import type { DialYield } from '../node/pair-dial.ts'
import type { NodePlatform } from '../platform/node-platform.ts'
import type { ComponentLogger } from '@libp2p/interface'

export interface MembershipPartsComponents {
  host: Host
  /** signs this node's membership records, and checks others' */
  keys: NodeKeys
  logger: ComponentLogger
  platform: Pick<NodePlatform, 'dialable' | 'strategies'>
  /** how long the higher id of a pair waits for the other's dial (see pair-dial.ts) */
  dialYield: DialYield
  /** whether the overlay keeps a link to this member */
  keepsLinkTo(member: string): boolean
  /** this node's addresses, which discovery tells the peers it reaches */
  addresses(): string[]
  /** the connector's settings where a test changes them (NodeSeams.connector) */
  connector?: ConnectorInit
}

export type MembershipConfig = Pick<FoundationConfig, 'clusterName' | 'name' | 'roles' | 'maxMessageSize' | 'membership' | 'discovery'>

export interface MembershipParts {
  membership: Libp2pMembership
  connector: Connector
  discovery: ClusterDiscovery
}

export function createMembershipParts (components: MembershipPartsComponents, config: MembershipConfig): MembershipParts {
  const { host, keys, logger, platform, dialYield } = components
  const membership = createMembership({ host, keys, logger, dialYield }, {
    cluster: config.clusterName,
    name: config.name,
    roles: config.roles,
    maxFrameSize: config.maxMessageSize,
    ...config.membership
  })
  // in the partial-view shape the overlay chooses which members to stay connected to
  const connector = new Connector({ host, membership, logger }, {
    policy: (member, self) => fullMesh(member, self) && components.keepsLinkTo(member.id),
    ...(platform.dialable ? {} : { dialYield: 0 }),
    ...components.connector
  })
  const { strategies, ...choice } = config.discovery
  const discovery = new ClusterDiscovery(
    { log: logger.forComponent('foundation:discovery'), offer: (candidates) => { connector.offer(candidates) } },
    platform.strategies(strategies, {
      logger,
      self: { peerId: host.peerId.toString(), name: config.name, addresses: components.addresses }
    }, { mdns: host.services.mdns }),
    choice
  )
  return { membership, connector, discovery }
}
