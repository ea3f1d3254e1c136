// The cache benchmark's clusters: nodes started in this process over TCP (test/fixtures/nodes.ts TestNodes) and
// formed by static discovery, the waits until they agree and hold their partitions, and the two checks that say
// whether entries survived: every key read back, and every key's copies counted on every node.
import { errorMessage, waitFor } from '../lib/util.ts'
import { FORM_TIMEOUT_MS, NODE_INIT, POLL_MS, SETTLE_TIMEOUT_MS, VERIFY_BATCH } from './settings.ts'
import type { Cache } from '../../src/cache/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { TestNodes } from '../../test/fixtures/nodes.ts'

/** Starts `count` nodes of one cluster; each is given the addresses of those already up (static discovery). */
export async function startNodes (nodes: TestNodes, clusterName: string, count: number, prefix: string): Promise<FoundationNode[]> {
  const started: FoundationNode[] = []
  for (let i = 0; i < count; i++) { started.push(await startNode(nodes, clusterName, `${prefix}-${i}`, started)) }
  return started
}

export async function startNode (nodes: TestNodes, clusterName: string, name: string, peers: readonly FoundationNode[]): Promise<FoundationNode> {
  const addresses = peers.filter(p => p.info().health !== 'stopped').flatMap(p => p.addresses())
  return nodes.start({ ...NODE_INIT, clusterName, name, discovery: { mdns: false, ...(addresses.length > 0 ? { static: addresses } : {}) } })
}

/** every node counts exactly these nodes active */
export function agree (nodes: readonly FoundationNode[]): boolean {
  const ids = nodes.map(n => n.id).sort().join(',')
  return nodes.every(n => n.membership.activeMembers().map(m => m.id).sort().join(',') === ids)
}

/** every node holds every partition it should (the readiness check 'cache') */
export function synced (nodes: readonly FoundationNode[]): boolean {
  return nodes.every(n => n.caches.unsynced() === 0)
}

/** what each node counts active, and its partitions still to receive: for the error when a cluster does not settle */
export function views (nodes: readonly FoundationNode[]): string {
  return nodes.map(n => n.info().health !== 'stopped' ? `${n.name} sees ${n.membership.activeMembers().map(m => m.name).join(',')}, ${n.caches.unsynced()} unsynced` : `${n.name} stopped`).join('; ')
}

export async function settle (nodes: readonly FoundationNode[], what: string): Promise<void> {
  try {
    await waitFor(() => agree(nodes), FORM_TIMEOUT_MS, `${what}: every node counts the ${nodes.length} members`, POLL_MS)
    await waitFor(() => synced(nodes), SETTLE_TIMEOUT_MS, `${what}: every node holds its partitions`, POLL_MS)
  } catch (err) {
    throw new Error(`${errorMessage(err)} (${views(nodes)})`, { cause: err })
  }
}

/** Reads every key from one node in batches; the keys whose value is missing or not theirs. */
export async function lostKeys<V> (handle: Cache<V>, keys: readonly string[], expected: (key: string, value: V | undefined) => boolean, samples: string[]): Promise<number> {
  let lost = 0
  for (let from = 0; from < keys.length; from += VERIFY_BATCH) {
    const batch = keys.slice(from, from + VERIFY_BATCH)
    const values = await handle.mget(batch)
    for (let i = 0; i < batch.length; i++) {
      if (expected(batch[i], values[i])) { continue }
      lost++
      if (samples.length < 5) { samples.push(`${batch[i]}: ${values[i] === undefined ? 'missing' : 'wrong value'}`) }
    }
  }
  return lost
}

export interface Copies {
  /** keys without exactly `copies` live copies, one of them the owner's */
  bad: number
  /** keys by how many of the nodes keep a live copy */
  byCopies: Record<string, number>
  /** keys no node keeps as owner, and kept as owner by more than one */
  noOwner: number
  manyOwners: number
}

/**
 * Asks every node which copy of each key it keeps (caches.copyOf): a read could not tell a key with one copy left
 * from one with two, and an extra copy nobody drops is a leak a read never shows.
 */
export function countCopies (nodes: readonly FoundationNode[], cache: string, keys: readonly string[], copies: number): Copies {
  const out: Copies = { bad: 0, byCopies: {}, noOwner: 0, manyOwners: 0 }
  for (const key of keys) {
    let held = 0
    let owners = 0
    for (const node of nodes) {
      const copy = node.caches.copyOf(cache, key)
      if (copy != null) { held++ }
      if (copy === 'owner') { owners++ }
    }
    out.byCopies[held] = (out.byCopies[held] ?? 0) + 1
    if (owners === 0) { out.noOwner++ }
    if (owners > 1) { out.manyOwners++ }
    if (held !== copies || owners !== 1) { out.bad++ }
  }
  return out
}
