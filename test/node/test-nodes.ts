// Real nodes on 127.0.0.1 for tests (a host with membership and connector), started and stopped as a node does.
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { pEvent } from 'p-event'
import { createMembership } from '../../src/membership/libp2p-membership.ts'
import { Connector } from '../../src/node/connector.ts'
import { createHost } from '../../src/node/create-host.ts'
import { nodeKeys } from '../../src/node/node-keys.ts'
import { nodeKeyCrypto } from '../../src/platform/node/node-crypto.ts'
import type { Libp2pMembership } from '../../src/membership/libp2p-membership.ts'
import type { Host } from '../../src/node/create-host.ts'

export interface TestNode {
  name: string
  host: Host
  membership: Libp2pMembership
  connector: Connector
}

export interface TestNodeInit {
  /** defaults to `n` and the node's index in its cluster */
  name?: string
  roles?: string[]
  /** find the other nodes by mDNS; without it the test tells each node whom it discovered (default false) */
  mdns?: boolean
  /** passed to the connector (default: the connector's own) */
  dialYield?: number
  /** how long a member that left or died is remembered (default membership's own) */
  tombstoneTimeout?: number
}

export const MEMBER_EVENTS = ['member:join', 'member:suspect', 'member:alive', 'member:leave'] as const

const MDNS_INTERVAL = 200
const DEFAULT_WAIT = 10_000

/** The nodes of one test, in a cluster name no other test uses, so tests never find each other over mDNS. */
export class TestCluster {
  readonly name = `test-${randomBytes(6).toString('hex')}`
  readonly nodes: TestNode[] = []

  /** Starts membership before the host, as a Foundation node does, so identify already announces the protocol. */
  async startNode (init: TestNodeInit = {}): Promise<TestNode> {
    const name = init.name ?? `n${this.nodes.length}`
    const privateKey = await generateKeyPair('Ed25519')
    const host = await createHost({
      privateKey,
      cluster: this.name,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: { enabled: init.mdns ?? false, interval: MDNS_INTERVAL },
      maxMessageSize: 1 << 20
    })
    const membership = createMembership({ host, keys: nodeKeys(privateKey, nodeKeyCrypto()), logger: host.logger }, { cluster: this.name, name, roles: init.roles ?? [], tombstoneTimeout: init.tombstoneTimeout })
    const connector = new Connector({ host, membership, logger: host.logger }, { dialYield: init.dialYield })
    const node = { name, host, membership, connector }
    this.nodes.push(node)
    await membership.start()
    await host.start()
    await connector.start()
    return node
  }

  async stop (): Promise<void> {
    await Promise.all(this.nodes.splice(0).map(async n => {
      await n.connector.stop()
      await n.membership.stop()
      await n.host.stop()
    }))
  }
}

export interface UntilOptions {
  timeout?: number
  /** re-check on this node's membership events instead of polling; a failure then shows the node's view */
  node?: TestNode
}

/** Resolves once `check` holds; fails naming `what` after the timeout. */
export async function until (check: () => boolean, what: string, options: UntilOptions = {}): Promise<void> {
  const { timeout = DEFAULT_WAIT, node } = options
  if (node == null) {
    await poll(check, what, timeout)
    return
  }
  if (check()) { return }
  try {
    await pEvent(node.membership, [...MEMBER_EVENTS], { filter: () => check(), timeout })
  } catch (err: any) {
    const view = node.membership.members().map(m => `${m.name}:${m.status}${m.incarnation}`).join(' ')
    throw new Error(`${node.name}: ${what} not reached in ${timeout} ms; view ${view}`, { cause: err })
  }
}

/** For conditions no event announces, such as a connection count. */
export async function poll (check: () => boolean | Promise<boolean>, what: string, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout
  while (!(await check())) {
    if (Date.now() > deadline) { throw new Error(`timed out waiting until ${what}`) }
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}
