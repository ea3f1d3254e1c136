// A partitioned cache on 25 simulated nodes (the real cache code on virtual time and a simulated network) through a
// seeded run of joins, graceful leaves, crashes and partitions, with writes going on throughout: every acknowledged
// write is readable afterwards, unless a later write replaced it, and every entry is back to two copies. A run replays
// exactly from its seed: SIM_CACHE_SEED=<seed> runs that seed first.
import { expect } from 'aegir/chai'
import { seededRandom } from '../../src/membership/swim/random.ts'
import { SimCluster } from '../../src/sim/index.ts'
import type { Cache } from '../../src/cache/index.ts'
import type { SimNode } from '../../src/sim/index.ts'

const RUNS = Number(process.env.SIM_CACHE_RUNS ?? 2)
const NODES = 25
const KEYS = 2000
const STEPS = 8
const CACHE = 'chaos'
/** virtual time the cluster gets to settle after a step: far above failure detection, promotion and refills */
const SETTLE = 90_000
/** virtual time one write may take, its retries included */
const WRITE_WAIT = 20_000

function pick<T> (next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)]
}

class CacheChaos {
  readonly sim: SimCluster
  private readonly next: () => number
  private readonly log: string[] = []
  /** per key, the values a read may find: the last acknowledged one, and any written since whose answer was lost */
  private readonly allowed = new Map<string, Set<number | undefined>>()
  private written = 0
  private joined = 0
  private partitioned = false

  constructor (seed: number) {
    this.sim = new SimCluster({ seed })
    this.next = seededRandom(seed ^ 0xcac4e)
  }

  report (): string {
    return `seed ${this.sim.seed} (replay with SIM_CACHE_SEED=${this.sim.seed}) after ${this.log.join(', ')}, at ${this.sim.scheduler.now} ms`
  }

  async setUp (): Promise<void> {
    for (let i = 0; i < NODES; i++) { this.join() }
    await this.until(() => this.sim.converged() && this.synced(), 'the cluster forms and every partition has its keepers')
    const entries = Array.from({ length: KEYS }, (_, i) => [`k-${i}`, this.written++] as const)
    await this.sim.settle(this.cacheOf(this.sim.up()[0]).mset(entries), WRITE_WAIT)
    for (const [key, value] of entries) { this.allowed.set(key, new Set([value])) }
  }

  async step (): Promise<void> {
    const live = this.sim.up()
    const action = this.partitioned ? 'heal' : pick(this.next, ['kill', 'partition', 'join', 'leave'])
    this.log.push(action)
    switch (action) {
      case 'kill':
        this.sim.crash(pick(this.next, live).id)
        break
      case 'leave': {
        // writes go on while the leaving node hands its partitions off
        const leaving = pick(this.next, live).id
        this.sim.scheduler.trace(`leave ${leaving}`)
        await this.sim.settle(Promise.all([this.sim.node(leaving).leave(), this.writes(40, true)]), 2 * SETTLE)
        break
      }
      case 'join':
        this.join()
        break
      case 'partition': {
        const ids = live.map(node => node.id).sort(() => this.next() - 0.5)
        const cut = 1 + Math.floor(this.next() * (ids.length - 1))
        this.partitioned = true
        this.sim.partition(ids.slice(0, cut), ids.slice(cut))
        await this.sim.run(2000 + Math.floor(this.next() * 8000))
        break
      }
      default:
        this.partitioned = false
        this.sim.heal()
        break
    }
    // during a split each side may take writes to the same key, and after it heals both owners take writes until
    // they merge: one side's win by the documented rule, so the writes then are to new keys only
    if (action === 'heal') { await this.check() }
    await this.sim.settle(this.writes(60, !this.partitioned), 2 * WRITE_WAIT)
    if (!this.partitioned) { await this.check() }
  }

  async finish (): Promise<void> {
    if (this.partitioned) {
      this.partitioned = false
      this.sim.heal()
    }
    await this.check()
  }

  /** Every acknowledged write readable from any node, and two copies of every entry on the nodes that run. */
  private async check (): Promise<void> {
    await this.until(() => this.sim.converged() && this.synced(), () => `every node sees every other (${this.sim.converged()}) and holds its partitions: ${this.unsynced()}`)
    const keys = [...this.allowed.keys()]
    const values = await this.sim.settle(this.cacheOf(pick(this.next, this.sim.up())).mget(keys), WRITE_WAIT) as Array<number | undefined>
    const wrong = keys.flatMap((key, i) => this.allowed.get(key)?.has(values[i]) === true ? [] : [`${key}: read ${values[i]}, expected one of ${[...this.allowed.get(key) ?? []].join('/')}`])
    expect(wrong, `${this.report()}\n${this.sim.scheduler.recentTrace(40).join('\n')}`).to.deep.equal([])
    keys.forEach((key, i) => { this.allowed.set(key, new Set([values[i]])) })
    await this.until(() => this.copiesShort(keys).length === 0, () => `two copies of every entry: ${this.copiesShort(keys).slice(0, 5).join('; ')}`)
  }

  /** Writes through random nodes: new keys, and when `overwrite`, new values or deletes of existing keys (run it inside settle). */
  private async writes (count: number, overwrite: boolean): Promise<void> {
    const keys = [...this.allowed.keys()]
    // one write per key at a time: two in flight could be stored in one order and answered in the other
    const busy = new Set<string>()
    await Promise.all(Array.from({ length: count }, async () => {
      const live = this.sim.up()
      if (live.length === 0) { return }
      const cache = this.cacheOf(pick(this.next, live))
      const chosen = overwrite && this.next() < 0.5 ? pick(this.next, keys) : undefined
      const existing = chosen != null && !busy.has(chosen)
      const key = existing ? chosen : `n-${this.written}`
      busy.add(key)
      const value = this.next() < 0.1 && existing ? undefined : this.written++
      const allowed = this.allowed.get(key) ?? new Set([undefined])
      allowed.add(value)
      this.allowed.set(key, allowed)
      try {
        await (value === undefined ? cache.delete(key) : cache.set(key, value))
        // acknowledged: only this value, or one written after it, may be read from now on
        if (this.allowed.get(key) === allowed) { this.allowed.set(key, new Set([value])) }
      } catch {
        // not acknowledged: it may or may not have been stored
      }
    }))
  }

  /** the nodes still receiving partitions, and how many */
  private unsynced (): string {
    return this.sim.up().flatMap(node => node.caches.unsynced() === 0 ? [] : [`${node.id} ${node.caches.unsynced()}`]).join(', ')
  }

  private synced (): boolean {
    return this.sim.up().every(node => node.caches.unsynced() === 0)
  }

  private copiesShort (keys: string[]): string[] {
    const up = this.sim.up()
    const want = Math.min(2, up.length)
    return keys.flatMap(key => {
      if ([...this.allowed.get(key) ?? []][0] === undefined) { return [] }
      const copies = up.filter(node => node.caches.copyOf(CACHE, key) != null).length
      return copies === want ? [] : [`${key} has ${copies}`]
    })
  }

  private cacheOf (node: SimNode): Cache<number> {
    return node.caches.open<number>(CACHE)
  }

  private join (): void {
    const node = this.sim.add({ id: `n${this.joined++}` })
    this.cacheOf(node)
  }

  /** Runs until `done` holds, asked every 100 ms of virtual time: it reads every node, too slow for every callback. */
  private async until (done: () => boolean, what: string | (() => string)): Promise<void> {
    let asked = -Infinity
    const sometimes = (): boolean => {
      if (this.sim.scheduler.now - asked < 100) { return false }
      asked = this.sim.scheduler.now
      return done()
    }
    if (await this.sim.runUntil(sometimes, SETTLE) || done()) { return }
    throw new Error(`${this.report()}: not true within ${SETTLE} ms: ${typeof what === 'string' ? what : what()}\n${this.sim.scheduler.recentTrace(40).join('\n')}`)
  }
}

describe('partitioned cache under seeded chaos, 25 simulated nodes', function () {
  this.timeout(300_000)
  const base = Number(process.env.SIM_CACHE_SEED ?? Math.floor(Math.random() * 1e9))

  for (let run = 0; run < RUNS; run++) {
    const seed = base + run
    it(`run ${run + 1} of ${RUNS} loses no acknowledged write and restores two copies (seed ${seed})`, async () => {
      const chaos = new CacheChaos(seed)
      await chaos.setUp()
      for (let step = 0; step < STEPS; step++) { await chaos.step() }
      await chaos.finish()
    })
  }
})
