// What one choice costs as a service grows: ServiceBalance.choose, constructed directly, over 5 to 500 actors with
// made-up member facts, timed in batches. Below 16 actors a choice filters every one (tried, member down, constraints,
// ejected) and picks; from 16, random, round robin and the two-choice strategies draw a few; no network, no call.
import { randomBytes } from 'node:crypto'
import { ServiceBalance } from '../../src/balancing/service-balance.ts'
import { sig3 } from '../lib/result.ts'
import { median, now } from '../lib/stats.ts'
import { yieldToLoop } from '../lib/util.ts'
import type { ActorRef } from '../../src/actors/index.ts'
import type { MemberFacts } from '../../src/balancing/constraints.ts'
import type { BalancingStrategy, RouteConstraints } from '../../src/balancing/index.ts'
import type { ChooseRequest } from '../../src/balancing/service-balance.ts'

export const CHOOSE_SIZES = [5, 25, 100, 500]
/** a batch runs until it has taken at least this long */
const BATCH_MS = 40
/** batches per variant and size, the sizes alternating between batches; the figure is the median batch */
const BATCHES = 7
const WARMUP_MS = 100

export interface ChooseVariant {
  label: string
  strategy: BalancingStrategy
  constraints: RouteConstraints
}

export const CHOOSE_VARIANTS: ChooseVariant[] = [
  { label: 'least-latency', strategy: 'least-latency', constraints: {} },
  { label: 'round-robin', strategy: 'round-robin', constraints: {} },
  { label: 'least-latency with constraints { maxCpu, maxEventLoopLag, roles }', strategy: 'least-latency', constraints: { maxCpu: 0.8, maxEventLoopLag: 100, roles: ['api'] } }
]

export interface ChooseFigure {
  variant: string
  instances: number
  /** ns per choice, the median batch's */
  ns: number
  /** every batch's ns per choice */
  batches: number[]
  choices: number
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

/** a string shaped as an Ed25519 peer id (52 characters starting 12D3KooW), as node ids are */
function peerIdLike (): string {
  return '12D3KooW' + [...randomBytes(44)].map(b => BASE58[b % BASE58.length]).join('')
}

interface Bench {
  run(iterations: number): void
}

/** `size` actors, one per node, each answered once (so least-latency compares known estimates), no call in flight */
function bench (size: number, variant: ChooseVariant): Bench {
  const refs: ActorRef[] = Array.from({ length: size }, (_, i) => ({ node: peerIdLike(), id: (i + 1).toString(36) }))
  const facts = new Map<string, MemberFacts>(refs.map(ref => [ref.node, {
    roles: ['api'],
    load: { processes: 10, messageRate: 200, cpu: 0.3, eventLoopLag: 12, heap: 0.4, mailbox: 0, uptime: 3_600_000 }
  }]))
  let clock = 1_000_000
  const balance = new ServiceBalance('bench', clock, {})
  for (const ref of refs) {
    balance.answered(balance.instance(`${ref.node}/${ref.id}`, clock, ref), 5 + Math.random() * 10, clock)
  }
  const exclude = new Set<string>()
  const request: ChooseRequest = {
    strategy: variant.strategy,
    constraints: variant.constraints,
    facts: (node) => facts.get(node),
    exclude,
    now: clock,
    random: Math.random
  }
  return {
    run: (iterations) => {
      for (let i = 0; i < iterations; i++) {
        // the clock moves as between two calls: the latency estimates decay
        clock += 0.1
        request.now = clock
        balance.choose(refs, request)
      }
    }
  }
}

/** iterations that take about BATCH_MS, from a short trial */
function calibrate (b: Bench): number {
  let n = 16
  for (;;) {
    const t = now()
    b.run(n)
    const ms = now() - t
    if (ms >= 5) { return Math.max(1, Math.ceil(n * BATCH_MS / ms)) }
    n *= 4
  }
}

export async function measureChoose (): Promise<ChooseFigure[]> {
  const figures: ChooseFigure[] = []
  for (const variant of CHOOSE_VARIANTS) {
    const benches = CHOOSE_SIZES.map(size => bench(size, variant))
    const iterations = benches.map(b => {
      const t = now()
      while (now() - t < WARMUP_MS) { b.run(100) }
      return calibrate(b)
    })
    const batches: number[][] = CHOOSE_SIZES.map(() => [])
    for (let round = 0; round < BATCHES; round++) {
      for (let s = 0; s < CHOOSE_SIZES.length; s++) {
        const t = now()
        benches[s].run(iterations[s])
        batches[s].push(sig3((now() - t) * 1e6 / iterations[s]))
        await yieldToLoop()
      }
    }
    CHOOSE_SIZES.forEach((instances, s) => {
      figures.push({ variant: variant.label, instances, ns: median(batches[s]), batches: batches[s], choices: iterations[s] * BATCHES })
    })
  }
  return figures
}
