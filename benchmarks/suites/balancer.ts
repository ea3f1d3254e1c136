// balancer: what `cluster.route()` does with a slow or failing actor, per strategy, and what a choice costs as a
// service grows.
//   - one slow node: 5 nodes, each serving one actor whose work is a 10 ms timer, one of them 100 ms; 16 callers on
//     two of the nodes route 2,000 calls per strategy with a 1 s timeout: p50, p99, calls succeeded, beside the same
//     with all 5 fast (the baseline); again with 4 callers (benchmarks/balancer/scenarios.ts, runs.ts)
//   - one failing node: one of the 5 actors throws on every call, or is listed by the group but gone (its calls fail
//     with ActorNotFoundError, which the balancer retries elsewhere): calls succeeded, tries per call
//   - ServiceBalance.choose per call at 5, 25, 100 and 500 instances (benchmarks/balancer/choose-cost.ts)
//   - routed calls per second at 5 and 25 nodes against plain calls (benchmarks/balancer/throughput.ts)
// Every node runs in this process over TCP on 127.0.0.1 (test/fixtures/nodes.ts TestNodes), formed by static
// discovery. Each part has a budget: one that runs out is reported as not measured, with what it reached.
import { CHOOSE_SIZES, CHOOSE_VARIANTS, measureChoose } from '../balancer/choose-cost.ts'
import { GONE_LABEL, THROWS_LABEL, chooseRows, failingRows, latencyRows, pooledNotes, ratioLine, slowOverFast } from '../balancer/results.ts'
import { throughputRows } from '../balancer/results.ts'
import { measureScenarios } from '../balancer/scenarios.ts'
import { CALLER_NODES, CALLERS, CALLS, FAILING_CALLS, FAST_MS, LIGHT_CALLERS, LIGHT_CALLS, MEMBERSHIP, NODES, ODD_NODE, ROUNDS, SLOW_MS, THROUGHPUT_START_BY_MS, TIMEOUT_MS, WARMUP_CALLS, count } from '../balancer/settings.ts'
import { THROUGHPUT_CALLS, THROUGHPUT_IN_FLIGHT, THROUGHPUT_ROUNDS, THROUGHPUT_SIZES, measureThroughput } from '../balancer/throughput.ts'
import { makeResult, round2, sig3 } from '../lib/result.ts'
import { errorMessage } from '../lib/util.ts'
import type { ChooseFigure } from '../balancer/choose-cost.ts'
import type { ScenarioFigures } from '../balancer/scenarios.ts'
import type { ThroughputFigure } from '../balancer/throughput.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'

const TARGET = 1.2

function setupNotes (): string[] {
  const callerNames = CALLER_NODES.map(i => `node-${i}`).join(' and ')
  return [
    `every node in this process, over TCP on 127.0.0.1 (test/fixtures/nodes.ts TestNodes), each given the addresses of those already up (static discovery); observability off as production sets it; membership probeTimeout ${MEMBERSHIP.probeTimeout} ms and suspectTimeout ${MEMBERSHIP.suspectTimeout / 1000} s (the production failure detector's: the test fixtures' 100 ms would suspect members of a one-process cluster kept busy), probeInterval at its default, 1 s`,
    `the service: ${NODES} nodes (node-0 to node-${NODES - 1}), each with one actor joined to a process group; the actor's work is a timer (a backend's time, not this process's CPU) of ${FAST_MS} ms, node-${ODD_NODE}'s ${SLOW_MS} ms in the slow scenario; an actor handles one message at a time, so calls to it queue in its mailbox: a fast actor serves at most 100 calls/s, the slow one 10`,
    `offered load: ${CALLERS} callers, each making one routed call at a time (a closed loop), half on ${callerNames} each (both also serve; a call to their own actor stays in the node), node-${ODD_NODE} (the slow or failing one) never calls; every call is route(service, {}, { strategy, timeout: ${TIMEOUT_MS} }), retries at their default (2); latency = each call's time as its caller saw it, a failed call counted at the time it failed (a timeout at ${TIMEOUT_MS} ms), p50 / p99 nearest rank over the calls pooled`,
    `slow scenario and baseline: ${count(CALLS)} calls per strategy and scenario, in ${ROUNDS} runs of ${count(CALLS / ROUNDS)}; each run serves fresh actors under a fresh group name and starts with the balancer knowing nothing of them (no warm-up per run: what a strategy sends the slow actor while it learns is in the figures); a round runs for each strategy all-fast then one-slow, back to back; the suite first makes one unmeasured all-fast run of ${count(WARMUP_CALLS)} calls (code compiled, connections warm). An ejection lasts 10 s, longer than a run (about 3 s): a strategy that ejects the slow actor (on 5 failures in a row, timeouts included, or half of 20 calls) keeps it out for the rest of the run`,
    `light load: the same all-fast and one-slow runs with ${LIGHT_CALLERS} callers (${LIGHT_CALLERS / CALLER_NODES.length} on each caller node), round-robin and least-latency only, ${count(LIGHT_CALLS)} calls per pair in ${ROUNDS} runs: with ${LIGHT_CALLERS} calls in flight over ${NODES} actors a fast actor seldom has a call queued, where at ${CALLERS} callers each has about 3 (a closed loop keeps every actor busy: the fast ones' calls take 30-40 ms, not ${FAST_MS})`
  ]
}

const judged = (ratio: number | null): string => {
  if (ratio == null) { return 'not judged' }
  return ratio <= TARGET ? 'met' : 'not met'
}

function headlineNotes (s: ScenarioFigures): string[] {
  const notes: string[] = []
  const ll = slowOverFast(s.loaded, 'least-latency')
  const rr = slowOverFast(s.loaded, 'round-robin')
  notes.push(`headline ratio: least-latency p99 with one of ${NODES} actors 10x slow / least-latency p99 with all ${NODES} fast, ${CALLERS} callers: ${ll ?? 'n/a'} (target <= ${TARGET}: ${judged(ll)}); round-robin's: ${rr ?? 'n/a'}. The p99 of ${count(CALLS)} calls is their 20th slowest, and this one process's event loop carries 5 nodes and the callers: each run's p99 is listed to show the spread`)
  const share = s.loaded.find(p => p.scenario === 'slow' && p.strategy === 'least-latency')?.oddSharePct
  if (share != null) {
    notes.push(`least-latency sent ${share} % of the calls to the slow actor: above 1 %, the p99 would be one of its answers (${SLOW_MS} ms plus whatever waits in its mailbox). Of two actors drawn at random it takes the one whose latency per call in flight (an average of answers, each divided by the calls in flight to the actor from the caller node when sent, plus one) times the square root of its calls in flight plus one is lower; the slow actor is tried while the balancer knows nothing of it, and again once its estimate has decayed below what the fast ones' queues cost (the estimates each run ended with are in the lines below)`)
  }
  const fastLl = s.loaded.find(p => p.scenario === 'fast' && p.strategy === 'least-latency')
  const slowLl = s.loaded.find(p => p.scenario === 'slow' && p.strategy === 'least-latency')
  if (fastLl != null && slowLl != null) {
    notes.push(`the floor under the headline: in a closed loop the ${CALLERS} callers keep every actor busy, so with the slow actor given no call at all the four fast ones each carry ${CALLERS / (NODES - 1)} callers instead of ${CALLERS / NODES}, and every call waits longer: ${sig3((CALLERS / (NODES - 1)) / (CALLERS / NODES))}x as long with nothing else changed. least-latency's p50 moved ${sig3(slowLl.p50Ms / fastLl.p50Ms)}x (${fastLl.p50Ms} to ${slowLl.p50Ms} ms); a p99 ratio at that figure means the slow actor adds nothing to the tail beyond the capacity it takes away`)
  }
  notes.push(ratioLine(s.loaded, CALLERS))
  if (s.light.length > 0) { notes.push(ratioLine(s.light, LIGHT_CALLERS)) }
  notes.push(...pooledNotes(`${CALLERS} callers, all fast`, s.loaded, 'fast'))
  notes.push(...pooledNotes(`${CALLERS} callers, one slow`, s.loaded, 'slow'))
  notes.push(...pooledNotes(`${LIGHT_CALLERS} callers, all fast`, s.light, 'fast'))
  notes.push(...pooledNotes(`${LIGHT_CALLERS} callers, one slow`, s.light, 'slow'))
  return notes
}

function failingNotes (s: ScenarioFigures): string[] {
  const gone = s.failing.filter(p => p.scenario === 'gone')
  const worst = gone.length > 0 ? Math.max(...gone.map(p => p.triesPerCall)) : null
  return [
    `one failing node: node-${ODD_NODE}'s actor fails every call, the other 4 take ${FAST_MS} ms; ${count(FAILING_CALLS)} calls per strategy and failure, one run each from the service's first call (so the failures before the balancer ejects the actor are in it), ${CALLERS} callers as above. Two failures: "${THROWS_LABEL}": its handler throws, the caller gets an ActorHandlerError; the actor took the message, so route does not retry it: this measures ejection alone (5 failures in a row from one caller node eject the actor from that node's choices for 10 s, then 20 s if its first call back fails). "${GONE_LABEL}": node-${ODD_NODE}'s group lists an actor that does not exist (joined in the group table with no actor behind it, as between an actor's end and the group hearing of it), so each call to it fails with ActorNotFoundError, which route retries on another actor (retries 2, within the retry budget: 20 % of the last 10 s of calls plus 10 a second): this measures retries, the budget and ejection. Tries per call = (requests + retries) / requests from both caller nodes' balancer.stats(service); target <= ${TARGET}`,
    ...(worst != null ? [`tries per call with a gone actor, the most of any strategy: ${worst} (target <= ${TARGET}: ${worst <= TARGET ? 'met' : 'not met'})`] : []),
    ...pooledNotes(THROWS_LABEL, s.failing, 'throws'),
    ...pooledNotes(GONE_LABEL, s.failing, 'gone')
  ]
}

function chooseNotes (figures: readonly ChooseFigure[]): string[] {
  if (figures.length === 0) { return [] }
  const lines = CHOOSE_VARIANTS.map(v => {
    const per = CHOOSE_SIZES.map(n => figures.find(f => f.variant === v.label && f.instances === n)?.ns)
    const growth = per[0] != null && per[per.length - 1] != null ? round2(per[per.length - 1]! / per[0]) : 'n/a'
    return `${v.label}: ${CHOOSE_SIZES.map((n, i) => `${n} → ${per[i] ?? 'n/a'} ns`).join(', ')} (${CHOOSE_SIZES[CHOOSE_SIZES.length - 1]}/${CHOOSE_SIZES[0]}: ${growth}x for ${CHOOSE_SIZES[CHOOSE_SIZES.length - 1] / CHOOSE_SIZES[0]}x the instances)`
  })
  return [
    'ServiceBalance.choose per call (src/balancing/service-balance.ts), constructed directly, no network: N actors one per node (node ids shaped as peer ids, 52 characters), every member passing (facts from a Map: roles [api], a full load report), each actor answered once (known latency estimates), none tried, ejected or in flight; the clock moves 0.1 ms per choice; timed in batches of about 40 ms, 7 per size, the sizes alternating, median batch. Below 16 actors a choice looks at every one (builds each ref\'s `node/id` key, filters: tried, member down, constraints, ejected) and picks; from 16 the strategies that draw at random, and round robin, look at a few drawn actors only, so a choice costs about the same at 500 as at 16',
    `ns per choice: ${lines.join('; ')}`
  ]
}

function throughputNotes (figures: readonly ThroughputFigure[]): string[] {
  if (figures.length === 0) { return [] }
  const lines = THROUGHPUT_SIZES.map(n => {
    const at = (subject: ThroughputFigure['subject']): ThroughputFigure | undefined => figures.find(f => f.nodes === n && f.subject === subject)
    const route = at('route, round-robin')
    const same = at('call, the same actors in turn')
    const one = at('call, one actor')
    if (route == null) { return `${n} nodes: not measured` }
    return `${n} nodes (formed in ${(route.formedMs / 1000).toFixed(1)} s): route ${route.perSecond}/s, call the same actors in turn ${same?.perSecond ?? 'n/a'}/s (route/call ${same != null ? sig3(route.perSecond / same.perSecond) : 'n/a'}), call one actor ${one?.perSecond ?? 'n/a'}/s (route/call ${one != null ? sig3(route.perSecond / one.perSecond) : 'n/a'})`
  })
  return [
    `throughput: clusters of ${THROUGHPUT_SIZES.join(' and ')} nodes in this process, each node serving one actor that answers at once; node-0 makes ${THROUGHPUT_IN_FLIGHT} calls at a time, ${count(THROUGHPUT_CALLS)} per subject per round, ${THROUGHPUT_ROUNDS} rounds with the subjects alternating, after 300 unmeasured calls each: route with round-robin over the N actors; call to the same N actors in turn chosen by the caller (what route adds is exactly its choice and bookkeeping: the baseline to compare); call to one actor on node-1 (the plain call the issue names; it never calls node-0's own actor, which the other two do 1 time in N). All N nodes share this process's one thread, so every rate falls with N; compare within a size`,
    ...lines
  ]
}

export async function run (): Promise<BenchResult> {
  const started = performance.now()
  const notes: string[] = setupNotes()
  const results: SubjectResult[] = []

  let scenarios: ScenarioFigures | undefined
  try {
    scenarios = await measureScenarios(notes)
  } catch (err) {
    notes.push(`scenarios not measured: ${errorMessage(err)}`)
  }
  if (scenarios != null) {
    results.push(...latencyRows(scenarios.loaded, ''), ...latencyRows(scenarios.light, `${LIGHT_CALLERS} callers, `), ...failingRows(scenarios.failing))
    notes.push(...headlineNotes(scenarios), ...failingNotes(scenarios))
  }

  let choose: ChooseFigure[] = []
  try {
    choose = await measureChoose()
  } catch (err) {
    notes.push(`choose cost not measured: ${errorMessage(err)}`)
  }
  results.push(...chooseRows(choose))
  notes.push(...chooseNotes(choose))

  const throughput: ThroughputFigure[] = []
  for (const size of THROUGHPUT_SIZES) {
    if (performance.now() - started > THROUGHPUT_START_BY_MS) {
      notes.push(`throughput at ${size} nodes not measured: the suite had run ${Math.round((performance.now() - started) / 1000)} s, past the ${THROUGHPUT_START_BY_MS / 1000} s after which no cluster is started`)
      continue
    }
    try {
      throughput.push(...await measureThroughput(size))
    } catch (err) {
      notes.push(`throughput at ${size} nodes not measured: ${errorMessage(err)}`)
    }
  }
  results.push(...throughputRows(throughput))
  notes.push(...throughputNotes(throughput))

  const rr = scenarios != null ? slowOverFast(scenarios.loaded, 'round-robin') : null
  return makeResult({
    name: 'balancer',
    unit: 'per subject (ms, %, tries per call, ns, calls/s)',
    results,
    ratio: scenarios != null ? slowOverFast(scenarios.loaded, 'least-latency') : null,
    ratioOf: `least-latency p99 with one of ${NODES} actors 10x slow / with all ${NODES} fast, ${CALLERS} callers (lower is better; round-robin's: ${rr ?? 'n/a'})`,
    target: `<= ${TARGET}`,
    notes
  })
}
