// Calls a set of distributed actors in rounds until each has answered as expected: from a node other than the
// one it left, with the count it should have. Rounds are bounded by a deadline; every failed call is counted by
// its error name.
import { percentile, wallClock } from '../lib/stats.ts'
import { delay, forEachLimit } from '../lib/util.ts'
import type { CounterReply } from './counter.ts'
import type { Cluster } from '../../src/index.ts'

export interface ProbeOptions {
  names: string[]
  /** wall-clock ms the times are measured from (the kill, the start of the stop) */
  since: number
  /** an answer from this node does not count: the actor has not moved yet */
  notNode?: string
  /** the count every actor must answer with; another count is a lost state */
  expectCount?: number
  callTimeoutMs: number
  /** pause between rounds */
  retryDelayMs: number
  /** give up this long after `since` */
  deadlineMs: number
  /** calls in flight at once */
  concurrency: number
}

export interface ProbeResult {
  names: number
  answered: number
  /** never answered as expected before the deadline */
  unanswered: number
  /** ms from `since` until the last actor answered; null when some never did */
  lastAnswerMs: number | null
  p50Ms: number | null
  p90Ms: number | null
  /** ms from `since` until the first probe round began */
  firstRoundMs: number
  rounds: number
  calls: number
  /** failed calls by error name */
  errors: Record<string, number>
  /** answers from `notNode` (the actor had not moved yet) */
  answersFromOldNode: number
  /** actors that answered elsewhere with another count than expected: state lost */
  wrongState: number
  wrongSamples: Array<{ name: string, count: number }>
}

export async function probe (cluster: Pick<Cluster, 'call'>, options: ProbeOptions): Promise<ProbeResult> {
  const answeredAt = new Map<string, number>()
  const wrong = new Map<string, number>()
  const errors: Record<string, number> = {}
  const tally = { calls: 0, answersFromOldNode: 0 }
  let pending = [...options.names]
  let rounds = 0
  const firstRoundMs = wallClock() - options.since
  const deadline = options.since + options.deadlineMs

  /** one call to each pending actor; returns those still to ask */
  const round = async (names: string[]): Promise<string[]> => {
    const still: string[] = []
    await forEachLimit(names, options.concurrency, async (name) => {
      tally.calls++
      try {
        const reply = await cluster.call<CounterReply>(name, { op: 'get' }, { timeout: options.callTimeoutMs })
        if (reply.node === options.notNode) {
          tally.answersFromOldNode++
          still.push(name)
        } else if (options.expectCount != null && reply.count !== options.expectCount) {
          wrong.set(name, reply.count)
        } else {
          answeredAt.set(name, wallClock() - options.since)
        }
      } catch (err) {
        const key = err instanceof Error ? err.name : 'non-Error'
        errors[key] = (errors[key] ?? 0) + 1
        still.push(name)
      }
    })
    return still
  }

  while (pending.length > 0 && wallClock() < deadline) {
    rounds++
    pending = await round(pending)
    if (pending.length > 0) { await delay(options.retryDelayMs) }
  }

  const times = [...answeredAt.values()]
  const tenth = (n: number): number => Math.round(n * 10) / 10
  return {
    names: options.names.length,
    answered: answeredAt.size,
    unanswered: pending.length,
    lastAnswerMs: pending.length === 0 && times.length > 0 ? tenth(Math.max(...times)) : null,
    p50Ms: times.length > 0 ? tenth(percentile(times, 50)) : null,
    p90Ms: times.length > 0 ? tenth(percentile(times, 90)) : null,
    firstRoundMs: tenth(firstRoundMs),
    rounds,
    calls: tally.calls,
    errors,
    answersFromOldNode: tally.answersFromOldNode,
    wrongState: wrong.size,
    wrongSamples: [...wrong].slice(0, 5).map(([name, count]) => ({ name, count }))
  }
}
