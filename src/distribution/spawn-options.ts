// A distributed actor's first entry, from the options of its spawn: checked here, so a bad option fails the spawn
// with a DistributionOptionError naming it instead of travelling to every member.
import { DistributionOptionError } from './errors.ts'
import type { DirectoryEntry, PlacementKind } from './entry.ts'
import type { DistributeOptions } from './index.ts'

const PLACEMENTS: readonly string[] = ['rendezvous', 'hash-ring', 'least-loaded']

/** The entry before any node claimed it: version zero, so the first claim marks when the actor took its name. */
export function newEntry (self: string, name: string, type: string, args: unknown[], options: DistributeOptions): DirectoryEntry {
  let placement: PlacementKind = 'rendezvous'
  if (typeof options.placement === 'function') {
    placement = 'custom'
  } else if (options.placement != null) {
    if (!PLACEMENTS.includes(options.placement)) {
      throw new DistributionOptionError(`placement must be 'rendezvous', 'hash-ring', 'least-loaded' or a function, not ${JSON.stringify(options.placement)}`)
    }
    placement = options.placement
  }
  const quorum = options.quorum === true ? 'majority' : options.quorum === false || options.quorum == null ? 0 : options.quorum
  if (quorum !== 'majority' && !(Number.isSafeInteger(quorum) && quorum >= 0)) { throw new DistributionOptionError('quorum must be true, false or a whole number of members') }
  const checkpoint = options.checkpoint
  if (checkpoint != null && !(checkpoint.interval > 0 && (checkpoint.replicas == null || (Number.isSafeInteger(checkpoint.replicas) && checkpoint.replicas >= 0)))) {
    throw new DistributionOptionError('checkpoint needs an interval in ms above 0 and a whole number of replicas')
  }
  return {
    kind: 'distributed',
    name,
    type,
    args,
    placement,
    roles: options.roles ?? [],
    quorum,
    ...(checkpoint != null ? { checkpoint: { interval: checkpoint.interval, replicas: checkpoint.replicas ?? 1 } } : {}),
    holder: self,
    stopped: false,
    version: { time: 0, counter: 0, writer: self }
  }
}
