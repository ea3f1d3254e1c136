// Ends the local actor that lost its name to another node's write after a partition healed: one instance per name.
import { SECOND } from '../config/units.ts'
import type { LocalActors } from '../actors/local-actors.ts'
import type { NameConflictDetail } from '../names/index.ts'
import type { Logger } from '@libp2p/interface'

/** how long an actor's nameConflict hook may run before the actor is stopped anyway */
export const NAME_CONFLICT_HOOK_TIMEOUT = 5 * SECOND

/**
 * Tells the losing actor who won (its `nameConflict` hook, bounded in time), then stops it. Only an actor of this
 * node that still runs is touched: the loser may be on another node, or gone already.
 */
export async function endConflictLoser (actors: LocalActors, conflict: NameConflictDetail, self: string, log: Logger): Promise<void> {
  const { loser, winner, name } = conflict
  const cell = loser.node === self ? actors.get(loser.id) : undefined
  if (cell == null || !cell.alive) { return }

  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    await Promise.race([
      cell.nameConflict(winner),
      new Promise<void>(resolve => { timer = setTimeout(resolve, NAME_CONFLICT_HOOK_TIMEOUT) })
    ])
  } catch (err: any) {
    log.error('the nameConflict hook of %s (%s) failed - %e', loser.id, name, err)
  } finally {
    clearTimeout(timer)
  }

  try {
    await actors.stop(loser.id)
    log('stopped %s: its name %s went to %s/%s', loser.id, name, winner.node, winner.id)
  } catch (err: any) {
    log.error('the stopped hook of %s (%s) failed - %e', loser.id, name, err)
  }
}
