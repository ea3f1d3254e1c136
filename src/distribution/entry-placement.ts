// Which member should run a distributed actor now: its placement strategy over the active members that have its
// roles and are not leaving, with their last reported load.
import { BROWSER_ROLE, isBrowser } from '../membership/reserved-roles.ts'
import { Placer } from '../placement/index.ts'
import type { DirectoryEntry } from './entry.ts'
import type { NodeLoad } from '../cluster/load-report.ts'
import type { Member } from '../membership/index.ts'
import type { PlacementCandidate, PlacementFunction } from '../placement/index.ts'
import type { Logger } from '@libp2p/interface'

export interface EntryPlacementComponents {
  self: string
  activeMembers(): Member[]
  /** a member's last reported load, this node's included */
  load(id: string): NodeLoad | undefined
  log: Logger
}

export class EntryPlacement {
  private readonly components: EntryPlacementComponents
  /** keeps hash rings between calls: a failover places thousands of names over the same members */
  private readonly placer = new Placer()
  /** placement functions of actors spawned here: a function cannot travel with the entry */
  private readonly custom = new Map<string, PlacementFunction>()
  /** other members that announced they are moving their actors away */
  readonly draining = new Set<string>()
  /** true from the start of this node's own drain */
  selfDraining = false

  constructor (components: EntryPlacementComponents) {
    this.components = components
  }

  useFunction (name: string, placement: PlacementFunction): void {
    this.custom.set(name, placement)
  }

  /** The member that should run an entry now, among those not in `exclude`. */
  placeOf (entry: DirectoryEntry, exclude?: ReadonlySet<string>): string | undefined {
    const custom = entry.placement === 'custom' ? this.custom.get(entry.name) : undefined
    const strategy = custom ?? (entry.placement === 'custom' ? 'rendezvous' : entry.placement)
    const candidates = this.candidates(entry.roles).filter(candidate => exclude?.has(candidate.id) !== true)
    return this.placer.place(entry.name, strategy, candidates, { roles: entry.roles })
  }

  /** placeOf for the node's own decisions: a custom function that throws leaves the actor where it is, logged */
  placeQuietly (entry: DirectoryEntry, exclude?: ReadonlySet<string>): string | undefined {
    try {
      return this.placeOf(entry, exclude)
    } catch (err) {
      this.components.log.error('placement of %s failed - %e', entry.name, err)
      return undefined
    }
  }

  /** The other members that keep an actor's checkpoints: the next ones in its placement order. */
  replicasOf (name: string, roles: readonly string[], count: number): string[] {
    const others = this.candidates(roles).filter(candidate => candidate.id !== this.components.self)
    return this.placer.rank(name, others).slice(0, count).map(candidate => candidate.id)
  }

  /** the members this node and its peers count as leaving, for duties */
  drainingNow (): ReadonlySet<string> {
    return this.selfDraining ? new Set([...this.draining, this.components.self]) : this.draining
  }

  private candidates (roles: readonly string[]): PlacementCandidate[] {
    const { self } = this.components
    return this.components.activeMembers()
      .filter(member => !this.draining.has(member.id) && !(member.id === self && this.selfDraining))
      .filter(member => roles.every(role => member.roles.includes(role)))
      // a browser tab comes and goes with its user, and only the members it is connected to reach it
      .filter(member => !isBrowser(member) || roles.includes(BROWSER_ROLE))
      .map(member => ({ id: member.id, name: member.name, roles: member.roles, load: this.components.load(member.id) }))
  }
}
