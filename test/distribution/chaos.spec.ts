// Seeded random runs of kills (crashes, as ../fixtures/crash.ts makes them), partitions, heals, joins and graceful
// stops on 5 nodes, 20 runs (CHAOS_RUNS=100 for the long mode). After every heal each distributed actor runs exactly
// once, every node resolves each name to the same holder, and no state is lost but that of the actors of a node
// killed: not across a handoff, and not across a partition, after which each holder keeps the actors it never
// stopped running. A failing run names its seed:
// CHAOS_SEED=<seed> replays it first, with the same steps and the same peer ids (each node's key comes from the seed),
// so the same node coordinates and placement chooses alike; only the timing of real sockets differs.
import { expect } from 'aegir/chai'
import { seededRandom } from '../../src/membership/swim/random.ts'
import { TestNodes, agreed, eventually, formed, seededKey, uniqueCluster } from '../fixtures/nodes.ts'
import { Counter, describeInstances, runsOnceEach } from './fixtures.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { Libp2pMembership } from '../../src/membership/libp2p-membership.ts'

const RUNS = Number(process.env.CHAOS_RUNS ?? 20)
const NODES = 5
const ACTORS = 24
const STEPS = 4
const ACTOR_NAMES = Array.from({ length: ACTORS }, (_, i) => `a-${i}`)

function pick<T> (next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)]
}

class ChaosRun {
  private readonly nodes: TestNodes
  private readonly next: () => number
  private readonly seed: number
  private started = 0
  private readonly clusterName = uniqueCluster('chaos')
  private readonly log: string[] = []
  /** the count each actor must answer, for actors whose state only ever moved by handoff */
  private readonly expected = new Map<string, number>()
  /** actors whose state a kill reset, until the next check reads it again */
  private readonly tainted = new Set<string>()
  live: FoundationNode[] = []
  /** killed nodes: what their remains still make of the cluster is no part of the trace */
  private readonly crashed = new Set<FoundationNode>()
  private partitioned = false

  constructor (nodes: TestNodes, seed: number) {
    this.nodes = nodes
    this.seed = seed
    this.next = seededRandom(seed)
  }

  get history (): string {
    return this.log.join(', ')
  }

  /** the peer ids of every node this run started, in order */
  readonly ids: string[] = []

  async setUp (): Promise<void> {
    for (let i = 0; i < NODES; i++) { await this.join() }
    await formed(this.live)
    for (const name of ACTOR_NAMES) {
      await pick(this.next, this.live).spawn(Counter, { name, distribute: true })
      await this.add(name, 1 + Math.floor(this.next() * 5))
    }
  }

  async step (): Promise<void> {
    const choices = this.partitioned ? ['heal'] : ['kill', 'partition', 'join', 'leave']
    const action = pick(this.next, this.live.length <= 3 ? choices.filter(c => c !== 'kill' && c !== 'leave') : choices)
    this.log.push(action)
    switch (action) {
      case 'kill': {
        const victim = pick(this.next, this.live)
        for (const name of victim.distribution.hostedNames()) { this.tainted.add(name) }
        this.live = this.live.filter(n => n !== victim)
        this.crashed.add(victim)
        this.note(`kill ${victim.name}`)
        await this.nodes.crash(victim)
        break
      }
      case 'leave': {
        const leaving = pick(this.next, this.live)
        this.live = this.live.filter(n => n !== leaving)
        await leaving.stop()
        break
      }
      case 'join':
        await this.join()
        break
      case 'partition': {
        this.note('partition')
        const shuffled = [...this.live].sort(() => this.next() - 0.5)
        const cut = 1 + Math.floor(this.next() * (shuffled.length - 1))
        // no state is tainted: each side restarts the other's actors, and on the heal every holder, never really
        // dead, claims its actors back, with the state they kept
        this.partitioned = true
        await this.nodes.cuts.partition(shuffled.slice(0, cut), shuffled.slice(cut))
        await new Promise(resolve => setTimeout(resolve, 1500))
        break
      }
      default:
        this.partitioned = false
        this.note('heal')
        this.nodes.cuts.heal()
        break
    }
    if (!this.partitioned) { await this.check() }
  }

  async finish (): Promise<void> {
    if (this.partitioned) {
      this.partitioned = false
      this.note('heal')
      this.nodes.cuts.heal()
    }
    await this.check()
  }

  /** Exactly one instance of every actor, one holder per name everywhere, and every handed-off count intact. */
  async check (): Promise<void> {
    await formed(this.live)
    await agreed(this.live, 20_000)
    await eventually(() => runsOnceEach(this.live, ACTORS),
      () => `every actor runs exactly once (${this.history}); actors that do not:\n${describeInstances(this.live, ACTOR_NAMES, this.nodes.nodes)}`, 20_000)
    await eventually(() => this.expected.size === 0 || [...this.expected.keys()].every(name => {
      const holders = new Set(this.live.map(n => n.distribution.lookup(name)?.node))
      return holders.size === 1
    }), `every node resolves each name to the same holder (${this.history})`, 10_000)
    for (const [name, count] of this.expected) {
      const answer = await pick(this.next, this.live).call<{ count: number }>(name, { get: true }, { timeout: 5000 })
      if (this.tainted.has(name)) {
        this.expected.set(name, answer.count)
      } else {
        expect(answer.count, `${name} kept its state (${this.history})`).to.equal(count)
      }
    }
    this.tainted.clear()
    for (const name of [...this.expected.keys()].slice(0, 6)) { await this.add(name, 1) }
  }

  private async add (name: string, amount: number): Promise<void> {
    const answer = await pick(this.next, this.live).call<{ count: number }>(name, { add: amount }, { timeout: 5000 })
    this.expected.set(name, answer.count)
  }

  /** every membership event of every node, and each partition and heal, for the report of a failing run */
  readonly trace: string[] = []

  private note (line: string): void {
    this.trace.push(`${Date.now() % 100_000} ${line}`)
  }

  private async join (): Promise<void> {
    const node = await this.nodes.start({ clusterName: this.clusterName, name: `n${this.log.length}-${this.live.length}` }, await seededKey(this.seed, this.started++))
    for (const type of ['member:join', 'member:suspect', 'member:alive', 'member:leave'] as const) {
      node.addEventListener(type, (evt) => {
        if (this.crashed.has(node)) { return }
        const { name, status, incarnation } = evt.detail
        this.note(`${node.name} ${type} ${name} ${status} #${incarnation} (local health ${(node.membership as Partial<Libp2pMembership>).localHealth ?? '?'})`)
      })
    }
    node.define(Counter)
    this.ids.push(node.id)
    this.live.push(node)
  }
}

describe('distributed actors under seeded chaos', function () {
  this.timeout(120_000)
  const nodes = new TestNodes()
  const base = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 1e9))

  afterEach(async () => { await nodes.stopAll() })

  it('replays a run from its seed: the same steps, on nodes with the same peer ids', async () => {
    const runs: ChaosRun[] = []
    for (let i = 0; i < 2; i++) {
      const chaos = new ChaosRun(nodes, base)
      await chaos.setUp()
      for (let step = 0; step < STEPS; step++) { await chaos.step() }
      await chaos.finish()
      await nodes.stopAll()
      runs.push(chaos)
    }
    expect(runs[1].history).to.equal(runs[0].history)
    expect(runs[1].ids).to.deep.equal(runs[0].ids)
    expect(new Set(runs[0].ids).size, 'distinct peer ids').to.equal(runs[0].ids.length)
  })

  for (let run = 0; run < RUNS; run++) {
    const seed = base + run
    it(`run ${run + 1} of ${RUNS} keeps one instance per actor and every handed-off state (seed ${seed})`, async () => {
      const chaos = new ChaosRun(nodes, seed)
      try {
        await chaos.setUp()
        for (let step = 0; step < STEPS; step++) { await chaos.step() }
        await chaos.finish()
      } catch (err: any) {
        err.message = `seed ${seed} (replay with CHAOS_SEED=${seed}) after ${chaos.history}: ${err.message as string}\nat ${Date.now() % 100_000}, after:\n${chaos.trace.join('\n')}`
        throw err
      }
    })
  }
})
