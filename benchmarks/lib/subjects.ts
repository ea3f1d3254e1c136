// Sets up every subject of a benchmark, measures them, and closes them all whatever happens.
import { errorMessage } from './util.ts'

export interface Closable {
  close(): Promise<void>
}

export interface SubjectSetups<S extends Closable> {
  /** the baselines: a benchmark without them is no comparison, so their failure fails the benchmark */
  baselines: Array<() => Promise<S>>
  /** Foundation's subject: if it cannot start, the baselines are still measured and the reason is noted */
  foundation(): Promise<S>
  /** Foundation in other configurations, measured beside it (subject name -> setup); a failure is noted alike */
  variants?: Record<string, () => Promise<S>>
}

export async function withSubjects<S extends Closable, R> (notes: string[], setups: SubjectSetups<S>, measure: (subjects: S[]) => Promise<R>): Promise<R> {
  const subjects: S[] = []
  try {
    for (const setup of setups.baselines) { subjects.push(await setup()) }
    try {
      subjects.push(await setups.foundation())
    } catch (err) {
      notes.push(`Foundation subject not measured: ${errorMessage(err)}`)
    }
    for (const [name, setup] of Object.entries(setups.variants ?? {})) {
      try {
        subjects.push(await setup())
      } catch (err) {
        notes.push(`${name} subject not measured: ${errorMessage(err)}`)
      }
    }
    return await measure(subjects)
  } finally {
    await Promise.allSettled(subjects.map(async s => { await s.close() }))
  }
}
