// One-way throughput: each subject sends a fixed count of messages and reports when its receiver has counted them
// all. Subjects run in alternating rounds so that machine noise falls on all of them alike.
import { round2, sig3 } from './result.ts'
import { median, now } from './stats.ts'
import { errorMessage, withTimeout } from './util.ts'
import type { SubjectResult } from './result.ts'

export interface SendSubject {
  /** the subject's name in the results */
  readonly name: string
  /** send `count` messages; resolve when the receiver has counted every one of them */
  run(count: number): Promise<void>
  /** close every node, socket and stream the subject opened */
  close(): Promise<void>
}

export interface ThroughputOptions {
  /** rounds per subject after the warm-up */
  rounds: number
  /** how long one round should take; the count is sized from the warm-up rate */
  roundSeconds: number
  /** messages in the warm-up round, which also estimates the rate */
  warmupCount: number
  minCount: number
  maxCount: number
  /** a round that takes longer than this fails */
  roundTimeoutMs: number
}

export interface Measured {
  results: SubjectResult[]
  /** subjects dropped because a round failed or timed out, with the reason */
  failures: string[]
}

export async function measureThroughput (subjects: SendSubject[], options: ThroughputOptions): Promise<Measured> {
  const counts = new Map<SendSubject, number>()
  const rates = new Map<SendSubject, number[]>()
  const failures: string[] = []
  let active = [...subjects]
  const drop = (subject: SendSubject, err: unknown): void => {
    failures.push(`${subject.name} dropped: ${errorMessage(err)}`)
    active = active.filter(s => s !== subject)
  }

  for (const subject of [...active]) {
    try {
      const seconds = await timeRound(subject, options.warmupCount, options.roundTimeoutMs)
      const rate = options.warmupCount / seconds
      counts.set(subject, Math.round(Math.min(options.maxCount, Math.max(options.minCount, rate * options.roundSeconds))))
      rates.set(subject, [])
    } catch (err) {
      drop(subject, err)
    }
  }

  for (let round = 0; round < options.rounds; round++) {
    for (const subject of [...active]) {
      const count = counts.get(subject) ?? options.minCount
      try {
        const seconds = await timeRound(subject, count, options.roundTimeoutMs)
        rates.get(subject)?.push(count / seconds)
      } catch (err) {
        drop(subject, err)
      }
    }
  }

  const results = active.map(subject => {
    const samples = rates.get(subject) ?? []
    return {
      subject: subject.name,
      value: sig3(median(samples)),
      messagesPerRound: counts.get(subject),
      rounds: samples.map(sig3),
      best: sig3(Math.max(...samples))
    }
  })
  return { results, failures }
}

async function timeRound (subject: SendSubject, count: number, timeoutMs: number): Promise<number> {
  const start = now()
  await withTimeout(subject.run(count), timeoutMs, `${subject.name}: ${count} messages`)
  return round2(now() - start) / 1000
}
