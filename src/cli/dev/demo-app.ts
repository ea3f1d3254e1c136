// The application `foundation dev` runs when given none: a little traffic so the dashboard has something to show.
// Each node runs a counter and a greeter and joins a group; the nodes send to and call each other's actors, add
// to one distributed tally that moves with its count when its node stops, and publish on a topic.
import type { Actor } from '../../actors/index.ts'
import type { Cluster } from '../../cluster/index.ts'
import type { Member } from '../../membership/index.ts'
import type { DevApp } from '../app.ts'

/** time between two rounds of traffic */
const TICK_MS = 1000
const CALL_TIMEOUT_MS = 2000
const TALLY = 'tally'
const GROUP = 'demo'
const TOPIC = 'news'

class Counter implements Actor<{ add: number }, number> {
  private count = 0

  receive (message: { add: number }): number {
    this.count += typeof message.add === 'number' ? message.add : 0
    return this.count
  }
}

class Greeter implements Actor<{ hello: string }, string> {
  private readonly node: string

  constructor (node: string) {
    this.node = node
  }

  receive (message: { hello: string }): string {
    return `hello ${String(message.hello)}, this is ${this.node}`
  }
}

/** One count for the whole cluster; `handoff` and `resume` carry it when the tally moves to another node. */
class Tally implements Actor<{ add?: number }, number> {
  private total = 0

  receive (message: { add?: number }): number {
    if (typeof message.add === 'number') { this.total += message.add }
    return this.total
  }

  handoff (): number { return this.total }

  resume (state: unknown): void { this.total = typeof state === 'number' ? state : 0 }
}

const peersOf = (cluster: Cluster): Member[] => cluster.members()
  .filter(m => m.id !== cluster.id && m.status === 'alive')
  .sort((a, b) => a.name.localeCompare(b.name))

/** The lowest-named live node starts the tally when there is none (again after a restart of the cluster). */
async function ensureTally (cluster: Cluster, peers: Member[], signal: AbortSignal): Promise<void> {
  if (peers.some(peer => peer.name < cluster.name)) { return }
  if (await cluster.lookup(TALLY, { signal }) != null || signal.aborted) { return }
  await cluster.spawn(Tally, { name: TALLY, distribute: true }).catch((err: Error) => {
    if (err.name !== 'NameTakenError') { throw err }
  })
}

async function round (cluster: Cluster, tick: number, signal: AbortSignal): Promise<void> {
  const peers = peersOf(cluster)
  if (tick % 2 === 0) { await cluster.pubsub.publish(TOPIC, { from: cluster.name, tick }) }
  if (peers.length === 0) { return }
  await ensureTally(cluster, peers, signal)
  const peer = peers[tick % peers.length]
  cluster.send(`counter.${peer.name}`, { add: 1 })
  cluster.send(TALLY, { add: 1 })
  await cluster.call(`greeter.${peer.name}`, { hello: cluster.name }, { timeout: CALL_TIMEOUT_MS, signal })
  if (tick % 5 === 0) { await cluster.groups.multicall(GROUP, { add: 0 }, { timeout: CALL_TIMEOUT_MS, signal }) }
}

export const demoApp: DevApp = async (cluster, { name, signal }) => {
  cluster.define(Tally)
  const counter = await cluster.spawn(Counter, { name: `counter.${name}` })
  await cluster.spawn(Greeter, { name: `greeter.${name}`, args: [name] })
  await cluster.groups.join(GROUP, counter)
  cluster.pubsub.subscribe(TOPIC, () => {})

  let tick = 0
  let busy = false
  const timer = setInterval(() => {
    // a slow round (a peer leaving) is not overlapped by the next one
    if (busy || signal.aborted) { return }
    busy = true
    round(cluster, ++tick, signal)
      // traffic to a peer that is leaving fails now and then: the next round goes on
      .catch(() => {})
      .finally(() => { busy = false })
  }, TICK_MS)
  signal.addEventListener('abort', () => { clearInterval(timer) })
}
