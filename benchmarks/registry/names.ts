// What the registry suite and its memory node processes share: the actor they name, the names, and the two ways
// they drive a node, through its public API only: spawning actors (named or not) in batches, and looking names up
// until they resolve. Every loop here stops at its deadline (on the clock of lib/stats.ts now()).
import { now } from '../lib/stats.ts'
import { delay, errorMessage, forEachLimit } from '../lib/util.ts'
import type { Cluster } from '../../src/index.ts'

/** As small as an actor gets, so that what a figure shows is the name's cost rather than the actor's. */
export class NamedActor {
  count = 0

  receive (): number {
    return this.count++
  }
}

/** Short distinct names, like those an application gives its actors. */
export function actorNames (prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`)
}

/** A spread of `count` of the names, always with the last (the newest, the last to spread). */
export function sampleNames (names: readonly string[], count: number): string[] {
  if (names.length <= count) { return [...names] }
  const step = names.length / count
  const picked = Array.from({ length: count - 1 }, (_, i) => names[Math.floor(i * step)])
  picked.push(names[names.length - 1])
  return picked
}

/** Failures counted by error name, with the first message kept. */
export class ErrorTally {
  count = 0
  readonly byName: Record<string, number> = {}
  first: string | undefined

  add (err: unknown): void {
    this.count++
    const key = err instanceof Error ? err.name : 'non-Error'
    this.byName[key] = (this.byName[key] ?? 0) + 1
    this.first ??= errorMessage(err)
  }

  toJSON (): { count: number, byName: Record<string, number>, first?: string } {
    return { count: this.count, byName: this.byName, ...(this.first != null ? { first: this.first } : {}) }
  }
}

export interface SpawnOutcome {
  /** the names whose spawn resolved, in order; empty for unnamed actors, which are counted in `spawned` */
  registered: string[]
  spawned: number
  errors: ErrorTally
  /** true when the deadline came before every batch had been started or had settled */
  timedOut: boolean
  ms: number
}

/**
 * Spawns one actor per name, `batch` at a time (all of a batch at once, the next batch once it has settled), with
 * the name or, when `named` is false, without one. No batch starts after the deadline; one running at the deadline
 * is waited for up to `overrunMs` more, so that what follows does not run beside it, and is left to the node's stop
 * after that.
 */
export async function spawnInBatches (cluster: Cluster, names: readonly string[], options: { named: boolean, batch: number, deadline: number, overrunMs: number }): Promise<SpawnOutcome> {
  const started = now()
  const registered: string[] = []
  const errors = new ErrorTally()
  let spawned = 0
  let timedOut = false
  for (let from = 0; from < names.length; from += options.batch) {
    const left = options.deadline - now()
    if (left <= 0) {
      timedOut = true
      break
    }
    const batch = names.slice(from, from + options.batch)
    const settled = Promise.allSettled(batch.map(async name => cluster.spawn(NamedActor, options.named ? { name } : {})))
    let timer: ReturnType<typeof setTimeout> | undefined
    const outcomes = await Promise.race([settled, new Promise<false>(resolve => { timer = setTimeout(() => { resolve(false) }, left + options.overrunMs) })])
    clearTimeout(timer)
    if (outcomes === false) {
      timedOut = true
      break
    }
    if (now() > options.deadline) { timedOut = true }
    for (let i = 0; i < outcomes.length; i++) {
      const outcome = outcomes[i]
      if (outcome.status === 'fulfilled') {
        spawned++
        if (options.named) { registered.push(batch[i]) }
      } else {
        errors.add(outcome.reason)
      }
    }
  }
  return { registered, spawned, errors, timedOut, ms: Math.round(now() - started) }
}

export interface ResolveOutcome {
  /** names that never resolved to an actor before the deadline */
  missing: string[]
  /** lookups made, every round together */
  lookups: number
  rounds: number
  errors: ErrorTally
  /** ms from the call until the last name resolved (or the deadline) */
  ms: number
}

/**
 * Looks every name up on the node, `concurrency` at a time, then again those that did not resolve, every `pollMs`,
 * until each has resolved once or the deadline passes. A lookup that throws counts as not resolved.
 */
export async function resolveAll (cluster: Cluster, names: readonly string[], options: { concurrency: number, deadline: number, pollMs: number }): Promise<ResolveOutcome> {
  const started = now()
  const errors = new ErrorTally()
  let missing = [...names]
  let lookups = 0
  let rounds = 0
  while (missing.length > 0 && now() < options.deadline) {
    if (rounds > 0) { await delay(options.pollMs) }
    rounds++
    const still: string[] = []
    let asked = 0
    await forEachLimit(missing, options.concurrency, async (name) => {
      if (now() >= options.deadline) {
        still.push(name)
        return
      }
      asked++
      try {
        if (await cluster.lookup(name) == null) { still.push(name) }
      } catch (err) {
        errors.add(err)
        still.push(name)
      }
    })
    lookups += asked
    missing = still
  }
  return { missing, lookups, rounds, errors, ms: Math.round(now() - started) }
}

export interface CheckOutcome {
  /** names the node did not resolve (undefined or an error) */
  missing: string[]
  /** names not looked up because the deadline came first */
  unchecked: number
  errors: ErrorTally
  ms: number
}

/** One lookup of every name on the node, `concurrency` at a time; those left at the deadline are counted unchecked. */
export async function checkAll (cluster: Cluster, names: readonly string[], options: { concurrency: number, deadline: number }): Promise<CheckOutcome> {
  const started = now()
  const errors = new ErrorTally()
  const missing: string[] = []
  let unchecked = 0
  await forEachLimit(names, options.concurrency, async (name) => {
    if (now() >= options.deadline) {
      unchecked++
      return
    }
    try {
      if (await cluster.lookup(name) == null) { missing.push(name) }
    } catch (err) {
      errors.add(err)
      missing.push(name)
    }
  })
  return { missing, unchecked, errors, ms: Math.round(now() - started) }
}

export interface PassesOutcome {
  /** lookups answered (with a ref, undefined or an error) */
  lookups: number
  /** passes over every name that finished */
  passes: number
  /** ms of the first full pass, undefined when none finished */
  firstPassMs?: number
  missing: number
  errors: ErrorTally
  ms: number
}

/**
 * Looks every name up, `concurrency` at a time (1: one after the other, each awaited), pass after pass until a full
 * pass ends after `minMs`, so that a short run still times long enough; no lookup starts after the deadline.
 */
export async function lookupPasses (lookup: (name: string) => Promise<unknown>, names: readonly string[], options: { concurrency: number, minMs: number, deadline: number }): Promise<PassesOutcome> {
  const errors = new ErrorTally()
  const started = now()
  let lookups = 0
  let passes = 0
  let missing = 0
  let firstPassMs: number | undefined
  while (now() < options.deadline && (passes === 0 || now() - started < options.minMs)) {
    let answered = 0
    let unresolved = 0
    await forEachLimit(names, options.concurrency, async (name) => {
      if (now() >= options.deadline) { return }
      try {
        if (await lookup(name) == null) { unresolved++ }
      } catch (err) {
        errors.add(err)
      }
      answered++
    })
    lookups += answered
    missing += unresolved
    if (answered < names.length) { break }
    passes++
    firstPassMs ??= now() - started
  }
  return { lookups, passes, ...(firstPassMs != null ? { firstPassMs: Math.round(firstPassMs) } : {}), missing, errors, ms: now() - started }
}
