// The wait of `register(..., { visible: true })`: every member is sent the write and asked which write it keeps,
// and asked again while it does not answer, until all keep it, one keeps a newer write, or time runs out.
import { sleep } from '../time/clock.ts'
import { NameNotVisibleError, NameTakenError } from './errors.ts'
import { refOf } from './name-entry.ts'
import type { NameEntry } from './name-entry.ts'
import type { Confirmation } from './name-sync.ts'
import type { Clock } from '../time/clock.ts'

/** between two rounds of asking the members that have not confirmed a write yet */
const CONFIRM_RETRY = 200

export interface VisibilityComponents {
  /** the members to ask at first */
  peers(): string[]
  isActive(member: string): boolean
  /** sends the write to these members now; what each keeps */
  confirm(entry: NameEntry, peers: string[], timeout: number, signal?: AbortSignal): Promise<Map<string, Confirmation>>
  /** the write this node keeps for the name now */
  current(name: string): NameEntry | undefined
  /** folds in a newer write a member told of */
  learn(entry: NameEntry): void
  clock: Clock
}

export interface VisibilityInit {
  /** how long the whole wait may take */
  timeout: number
  /** bound on one round of asking */
  callTimeout: number
}

/** Resolves once every active member keeps `entry`; NameTakenError, NameNotVisibleError or the signal's reason else. */
export async function untilVisible (components: VisibilityComponents, init: VisibilityInit, entry: NameEntry, signal?: AbortSignal): Promise<void> {
  const { clock } = components
  const deadline = clock.now() + init.timeout
  let missing = components.peers()
  while (missing.length > 0) {
    const remaining = deadline - clock.now()
    if (remaining <= 0) { break }
    const answers = await components.confirm(entry, missing, Math.min(remaining, init.callTimeout), signal)
    if (signal?.aborted === true) { throw signal.reason }
    if (components.current(entry.name) !== entry) { throw new NameNotVisibleError(entry.name, [], 'it was given up or taken while waiting') }
    for (const [, kept] of answers) {
      if (kept == null || kept instanceof Error) { continue }
      components.learn(kept)
      if (!kept.stopped) { throw new NameTakenError(entry.name, refOf(kept)) }
    }
    missing = [...answers].filter(([peer, kept]) => kept instanceof Error && components.isActive(peer)).map(([peer]) => peer)
    if (missing.length > 0) { await sleep(clock, Math.min(CONFIRM_RETRY, Math.max(0, deadline - clock.now())), signal) }
  }
  if (missing.length > 0) {
    throw new NameNotVisibleError(entry.name, missing, `${missing.length} member(s) did not confirm within ${init.timeout} ms`)
  }
}
