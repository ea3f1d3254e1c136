// Request/response latency: sequential calls, one in flight, subjects alternating in rounds.
import { round2, sig3 } from './result.ts'
import { mean, now, percentile } from './stats.ts'
import { errorMessage, withTimeout } from './util.ts'
import type { SubjectResult } from './result.ts'

export interface CallSubject {
  readonly name: string
  /** one request, resolved when its response has arrived */
  call(): Promise<void>
  close(): Promise<void>
}

export interface LatencyOptions {
  warmupCalls: number
  rounds: number
  callsPerRound: number
  callTimeoutMs: number
}

export interface Measured {
  results: SubjectResult[]
  /** subjects dropped because a call failed or timed out, with the reason */
  failures: string[]
}

/** Samples are kept in microseconds; the headline value is the p50. */
export async function measureLatency (subjects: CallSubject[], options: LatencyOptions): Promise<Measured> {
  const samples = new Map<CallSubject, number[]>()
  const failures: string[] = []
  let active = [...subjects]
  const drop = (subject: CallSubject, err: unknown): void => {
    failures.push(`${subject.name} dropped: ${errorMessage(err)}`)
    active = active.filter(s => s !== subject)
  }

  for (const subject of [...active]) {
    try {
      for (let i = 0; i < options.warmupCalls; i++) {
        await withTimeout(subject.call(), options.callTimeoutMs, `${subject.name}: warm-up call`)
      }
      samples.set(subject, [])
    } catch (err) {
      drop(subject, err)
    }
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const subject of [...active]) {
      const list = samples.get(subject) ?? []
      try {
        for (let i = 0; i < options.callsPerRound; i++) {
          const start = now()
          await withTimeout(subject.call(), options.callTimeoutMs, `${subject.name}: call`)
          list.push((now() - start) * 1000)
        }
      } catch (err) {
        drop(subject, err)
      }
    }
  }
  const results = active.map(subject => {
    const list = samples.get(subject) ?? []
    return {
      subject: subject.name,
      value: sig3(percentile(list, 50)),
      p50: sig3(percentile(list, 50)),
      p90: sig3(percentile(list, 90)),
      p99: sig3(percentile(list, 99)),
      max: sig3(Math.max(...list)),
      mean: round2(mean(list)),
      calls: list.length
    }
  })
  return { results, failures }
}
