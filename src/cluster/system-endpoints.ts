// Node services reached over the direct protocol like actors: ids that start with '$' (one service each) or '~'
// (distributed actors, addressed by name). Actor ids are base-36 counters, so they never collide with these.
import { DISTRIBUTED_PREFIX } from '../names/name-entry.ts'

export { DISTRIBUTED_PREFIX }

/** A service that takes sends and calls addressed to it; `target` is the whole id the message was sent to. */
export interface SystemEndpoint {
  /** false when the message reached nothing (counted as undeliverable) */
  send?(target: string, body: unknown, from: string): boolean
  call?(target: string, body: unknown, from: string): Promise<unknown>
}

/** The reserved first character of node services' ids; distributed actors' is DISTRIBUTED_PREFIX. */
export const SERVICE_PREFIX = '$'

/** On the path of every message that arrives: one character compared twice. */
export function isSystemId (id: string): boolean {
  const first = id[0]
  return first === SERVICE_PREFIX || first === DISTRIBUTED_PREFIX
}

export class SystemEndpoints {
  private readonly byId = new Map<string, SystemEndpoint>()

  /** `id` is a whole service id ('$groups') or a bare prefix ('~') that takes every id starting with it. */
  register (id: string, endpoint: SystemEndpoint): void {
    if (!isSystemId(id)) { throw new TypeError(`a system endpoint id starts with ${SERVICE_PREFIX} or ${DISTRIBUTED_PREFIX}: ${id}`) }
    this.byId.set(id, endpoint)
  }

  unregister (id: string): void {
    this.byId.delete(id)
  }

  find (target: string): SystemEndpoint | undefined {
    return this.byId.get(target) ?? this.byId.get(target[0])
  }
}
