// Which members should keep each partition of a cache, best first: the owner, then its backups. Keys map to a fixed
// number of partitions and partitions to members by the rendezvous order the actors' placement uses, so a member
// joining or leaving moves only the partitions it gains or loses, and every node with the same view agrees.
import { hash53 } from '../../placement/hash.ts'
import { Placer } from '../../placement/index.ts'
import type { PlacementCandidate } from '../../placement/index.ts'

/** A prime, as Hazelcast uses: keys spread evenly, and a member gets a fair share up to ~100 members. */
export const PARTITIONS = 271

export function partitionOf (key: string, partitions = PARTITIONS): number {
  return hash53(key) % partitions
}

export class PartitionRanks {
  private readonly placer = new Placer()
  private readonly cache: string
  /** keepers per partition: the owner and its backups (every candidate in the replicated mode) */
  private readonly keepers: number
  private view = ''
  private ranks: string[][] = []

  constructor (cache: string, keepers: number) {
    this.cache = cache
    this.keepers = keepers
  }

  /** Recomputes the order of every partition when the candidates changed; cheap when they did not. */
  update (candidates: readonly PlacementCandidate[]): boolean {
    const view = candidates.map(c => c.id).sort().join(',')
    if (view === this.view) { return false }
    this.view = view
    this.ranks = []
    for (let partition = 0; partition < PARTITIONS; partition++) {
      this.ranks.push(this.placer.rank(`${this.cache}/${partition}`, candidates).slice(0, this.keepers).map(c => c.id))
    }
    return true
  }

  /** the members that should keep the partition now, owner first */
  of (partition: number): readonly string[] {
    return this.ranks[partition] ?? []
  }

  ownerOf (partition: number): string | undefined {
    return this.ranks[partition]?.[0]
  }

  /** Orders some members as this partition ranks them, whatever their view: how replicas agree on who takes over. */
  order (partition: number, members: readonly string[]): string[] {
    return this.placer.rank(`${this.cache}/${partition}`, members.map(id => ({ id, name: id, roles: [] }))).map(c => c.id)
  }
}
