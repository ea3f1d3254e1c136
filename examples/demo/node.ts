// One node of the demo cluster, run as its own process by main.ts. It joins the cluster by mDNS, spawns a
// counter and a greeter, then keeps calling and sending to the actors of the other nodes and publishing on a
// topic, printing everything it sees as "<node name>: ...".
/* eslint-disable no-console */
import { performance } from 'node:perf_hooks'
import { Command } from 'commander'
import { ConfigError, Foundation } from '../../src/index.ts'
import type { Actor, Cluster, Member, PublicationMeta } from '../../src/index.ts'

/** the pub/sub topic every node subscribes and publishes to */
const NEWS_TOPIC = 'news'
/** time between two rounds of calls, sends and publications */
const TICK_MS = 1000
/** time between two `cluster.info()` lines */
const INFO_MS = 2000
/** a call unanswered after this long is reported as failed */
const CALL_TIMEOUT_MS = 2000

/** what main.ts and this process say to each other over the IPC channel */
export interface ParentMessage { type: 'stop' }
export interface ChildMessage { type: 'ready', id: string, addresses: string[] }

const counterName = (node: string): string => `counter.${node}`
const greeterName = (node: string): string => `greeter.${node}`

type CounterMessage = { type: 'add', by: number, from: string } | { type: 'get' }

/** Counts what it is sent; answers a `get` call with the count. */
class Counter implements Actor<CounterMessage, number> {
  private count = 0
  private readonly say: (line: string) => void
  private readonly name: string

  constructor (name: string, say: (line: string) => void) {
    this.name = name
    this.say = say
  }

  receive (message: CounterMessage): number {
    if (message.type === 'add') {
      this.count += message.by
      this.say(`${this.name} got +${message.by} from ${message.from} (now ${this.count})`)
    }
    return this.count
  }
}

interface GreetMessage { hello: string }

/** Answers every greeting, and remembers how many it answered. */
class Greeter implements Actor<GreetMessage, string> {
  private greeted = 0
  private readonly node: string

  constructor (node: string) {
    this.node = node
  }

  receive (message: GreetMessage): string {
    this.greeted++
    return `hello ${message.hello}, this is ${this.node} (greeting #${this.greeted})`
  }
}

/** the distributed actor every node adds to: it runs on one node at a time, and moves with its count when that node stops */
const TALLY = 'tally'

type TallyMessage = { type: 'add', by: number } | { type: 'get' }

/** A cluster-wide count. `handoff` and `resume` carry the count when the actor moves to another node. */
class Tally implements Actor<TallyMessage, number> {
  private total = 0

  receive (message: TallyMessage): number {
    if (message.type === 'add') { this.total += message.by }
    return this.total
  }

  handoff (): number {
    return this.total
  }

  resume (state: unknown): void {
    this.total = typeof state === 'number' ? state : 0
  }
}

interface News { from: string, seq: number, text: string }

class DemoNode {
  private readonly cluster: Cluster
  private readonly name: string
  private readonly say: (line: string) => void
  private readonly timers: NodeJS.Timeout[] = []
  private lastMembers = ''
  private tick = 0
  private stopping?: Promise<void>

  constructor (cluster: Cluster, say: (line: string) => void) {
    this.cluster = cluster
    this.name = cluster.name
    this.say = say
  }

  async run (): Promise<void> {
    const { cluster, say } = this
    for (const type of ['member:join', 'member:suspect', 'member:alive', 'member:leave'] as const) {
      cluster.addEventListener(type, (evt) => { this.onMemberEvent(type, evt.detail) })
    }
    cluster.pubsub.subscribe<News>(NEWS_TOPIC, (news, meta) => { this.onNews(news, meta) })
    cluster.define(Tally)
    cluster.addEventListener('actor:moved', (evt) => {
      const to = this.cluster.members().find(m => m.id === evt.detail.to)?.name ?? evt.detail.to
      say(`${evt.detail.name} moved to ${to} with its state`)
    })
    cluster.addEventListener('actor:failover', (evt) => { say(`${evt.detail.name} restarted here after its node was lost`) })

    await cluster.spawn(Counter, { name: counterName(this.name), args: [counterName(this.name), say] })
    await cluster.spawn(Greeter, { name: greeterName(this.name), args: [this.name] })
    say(`spawned ${counterName(this.name)} and ${greeterName(this.name)}; subscribed to "${NEWS_TOPIC}"`)
    this.reportMembers()

    this.timers.push(setInterval(() => { this.round().catch((err: Error) => { this.failed('a round', err) }) }, TICK_MS))
    this.timers.push(setInterval(() => { this.reportInfo() }, INFO_MS))
  }

  /** Stops the demo's timers and leaves the cluster; safe to call more than once. */
  async stop (): Promise<void> {
    this.stopping ??= (async () => {
      for (const timer of this.timers) { clearInterval(timer) }
      this.say('leaving the cluster')
      await this.cluster.stop()
      this.say('stopped')
    })()
    return this.stopping
  }

  /** the other live members, by name */
  private peers (): Member[] {
    return this.cluster.members()
      .filter(m => m.id !== this.cluster.id && (m.status === 'alive' || m.status === 'suspect'))
      .sort((a, b) => a.name.localeCompare(b.name))
  }

  /** One round: greet the next peer, send +1 to its counter, now and then read a counter and publish news. */
  private async round (): Promise<void> {
    if (this.stopping != null) { return }
    this.reportMembers()
    const peers = this.peers()
    const tick = ++this.tick
    if (tick % 2 === 0) {
      const news: News = { from: this.name, seq: tick / 2, text: `${this.name} says hi, news #${tick / 2}` }
      this.cluster.pubsub.publish(NEWS_TOPIC, news).catch((err: Error) => { this.failed(`publish on "${NEWS_TOPIC}"`, err) })
    }
    if (peers.length === 0) { return }
    const peer = peers[tick % peers.length]
    await this.tally(tick, peers)
    // the node may have begun to stop while the tally ran: sending then throws NodeNotRunningError
    if (this.stopping != null) { return }

    this.cluster.send(counterName(peer.name), { type: 'add', by: 1, from: this.name } satisfies CounterMessage)
    await this.timedCall(greeterName(peer.name), { hello: this.name } satisfies GreetMessage)
    if (tick % 3 === 0) {
      const other = peers[(tick + 1) % peers.length]
      await this.timedCall(counterName(other.name), { type: 'get' } satisfies CounterMessage)
    }
  }

  /** The first node by name starts the tally once it sees a peer; every node adds to it and reads it now and then. */
  private async tally (tick: number, peers: Member[]): Promise<void> {
    const found = await this.cluster.lookup(TALLY)
    // the node may have begun to stop while the lookup ran
    if (this.stopping != null) { return }
    if (found == null) {
      if (peers.every(peer => peer.name > this.name)) {
        await this.cluster.spawn(Tally, { name: TALLY, distribute: true }).then(
          (ref) => { this.say(`started the distributed ${TALLY} on ${this.cluster.members().find(m => m.id === ref.node)?.name ?? ref.node}`) },
          (err: Error) => { if (err.name !== 'NameTakenError') { this.failed(`spawn ${TALLY}`, err) } }
        )
      }
      return
    }
    this.cluster.send(TALLY, { type: 'add', by: 1 } satisfies TallyMessage)
    if (tick % 4 === 0) { await this.timedCall(TALLY, { type: 'get' } satisfies TallyMessage) }
  }

  private async timedCall (target: string, message: unknown): Promise<void> {
    const started = performance.now()
    try {
      const reply = await this.cluster.call(target, message, { timeout: CALL_TIMEOUT_MS })
      const ms = performance.now() - started
      if (this.stopping == null) { this.say(`call ${target} ${JSON.stringify(message)} -> ${JSON.stringify(reply)} in ${ms.toFixed(1)} ms`) }
    } catch (err) {
      this.failed(`call ${target}`, err as Error)
    }
  }

  private failed (what: string, err: Error): void {
    // while leaving, failures of what was still in flight are expected
    if (this.stopping == null) { this.say(`${what} failed: ${err.name}: ${err.message}`) }
  }

  private onNews (news: News, meta: PublicationMeta): void {
    if (meta.local) { return }
    const sender = this.cluster.members().find(m => m.id === meta.from)?.name ?? meta.from
    this.say(`news from ${sender} on "${meta.topic}": ${news.text}`)
  }

  private onMemberEvent (type: string, member: Member): void {
    if (type === 'member:join') { this.say(`${member.name} joined`) } else if (type === 'member:suspect') { this.say(`${member.name} is suspected (missed its probes)`) } else if (type === 'member:alive') { this.say(`${member.name} is alive again`) } else { this.say(`${member.name} ${member.status === 'left' ? 'left gracefully' : 'is dead'}`) }
    this.reportMembers()
  }

  /** Prints who is in the cluster whenever that changes. */
  private reportMembers (): void {
    if (this.stopping != null) { return }
    const names = this.cluster.info().members.map(m => m.name).sort()
    const key = names.join(', ')
    if (key === this.lastMembers) { return }
    this.lastMembers = key
    this.say(`cluster has ${names.length} member${names.length === 1 ? '' : 's'}: ${key}`)
  }

  private reportInfo (): void {
    if (this.stopping != null) { return }
    const info = this.cluster.info()
    this.say(`info: nodes=${info.nodes} processes=${info.processes} (here ${info.node.processes}) messageRate=${info.messageRate}/s health=${info.health} uptime=${(info.uptime / 1000).toFixed(1)}s`)
  }
}

const options = new Command('demo-node')
  .description('one node of the Foundation demo cluster (started by examples/demo/main.ts)')
  .requiredOption('--name <name>', 'this node\'s name')
  .requiredOption('--cluster <name>', 'the cluster to join')
  .parse()
  .opts<{ name: string, cluster: string }>()

const say = (line: string): void => { console.log(`${options.name}: ${line}`) }
const send = (message: ChildMessage): void => { if (process.connected) { process.send?.(message) } }

let starting: Promise<Cluster> | undefined
let node: DemoNode | undefined
let exiting = false

function shutdown (why: string): void {
  if (exiting) { return }
  exiting = true
  say(`stopping (${why})`)
  // before the demo runs, stopping the node (once it has started) is all there is to do
  const stopped = node != null ? node.stop() : starting?.then(async (cluster) => { await cluster.stop() }, () => {}) ?? Promise.resolve()
  stopped.then(
    () => { process.exit(0) },
    (err: Error) => { console.error(`${options.name}: stop failed: ${err.stack ?? err.message}`); process.exit(1) }
  )
}

async function main (): Promise<void> {
  process.on('SIGINT', () => { shutdown('SIGINT') })
  process.on('SIGTERM', () => { shutdown('SIGTERM') })
  process.on('message', (message: ParentMessage) => { if (message.type === 'stop') { shutdown('asked by the demo') } })
  // the demo process is gone (killed, crashed): do not stay behind
  process.on('disconnect', () => { shutdown('the demo process went away') })
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') { shutdown('the output was closed') }
  })

  starting = Foundation.start({
    clusterName: options.cluster,
    name: options.name,
    // a local demo: reachable from this machine only, found by mDNS on loopback
    listen: ['/ip4/127.0.0.1/tcp/0']
  })
  const started = await starting
  // a stop that arrived while the node was starting stops it
  if (exiting) { return }
  say(`started as ${started.id} on ${started.addresses().join(', ')}`)
  node = new DemoNode(started, say)
  await node.run()
  send({ type: 'ready', id: started.id, addresses: started.addresses() })
}

main().catch((err: Error) => {
  // what fails while leaving (a spawn cut short by the stop) is part of leaving
  if (exiting) { return }
  // a wrong option is said in one line; anything else with its stack
  console.error(`${options.name}: failed: ${err instanceof ConfigError ? err.message : err.stack ?? err.message}`)
  process.exit(1)
})
