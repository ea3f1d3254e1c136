// debugCluster(): answers '$debug' requests with this node's snapshot, and asks every active member for theirs.
import { SECOND } from '../../config/units.ts'
import { AbortError } from '../../messaging/errors.ts'
import { DEBUG_SERVICE, MAX_ACTORS_LISTED, MAX_EVENTS_LISTED, debugRequest, readDebugAnswer, readDebugRequest } from './debug-wire.ts'
import { InvalidDebugAnswerError, InvalidDebugRequestError } from './errors.ts'
import { localSnapshot } from './local-snapshot.ts'
import type { DebugAnswer, DebugRequest } from './debug-wire.ts'
import type { ClusterDebug, DebugClusterOptions, NodeDebugInfo, UnansweredMember } from './index.ts'
import type { LocalDebugSource } from './local-snapshot.ts'
import type { SystemEndpoints } from '../../cluster/system-endpoints.ts'
import type { Member } from '../../membership/index.ts'
import type { Logger } from '@libp2p/interface'

export const DEFAULT_DEBUG_TIMEOUT = 2 * SECOND
export const DEFAULT_MAX_ACTORS = 100
export const DEFAULT_MAX_EVENTS = 20

export interface DebugServiceComponents {
  local: LocalDebugSource
  endpoints: SystemEndpoints
  /** the active members, this node included */
  activeMembers(): Member[]
  call(peer: string, target: string, body: unknown, options: { timeout: number, signal?: AbortSignal }): Promise<unknown>
  log: Logger
}

export class DebugService {
  private readonly components: DebugServiceComponents
  private invalid = 0

  constructor (components: DebugServiceComponents) {
    this.components = components
  }

  /** malformed requests received and malformed answers rejected */
  get invalidMessages (): number {
    return this.invalid
  }

  start (): void {
    this.components.endpoints.register(DEBUG_SERVICE, {
      call: async (_target, body, from) => this.answer(body, from)
    })
  }

  stop (): void {
    this.components.endpoints.unregister(DEBUG_SERVICE)
  }

  async cluster (options: DebugClusterOptions = {}): Promise<ClusterDebug> {
    throwIfAborted(options.signal)
    const request: DebugRequest = {
      maxActors: clamp(options.maxActors ?? DEFAULT_MAX_ACTORS, MAX_ACTORS_LISTED),
      maxEvents: clamp(options.maxEvents ?? DEFAULT_MAX_EVENTS, MAX_EVENTS_LISTED)
    }
    const timeout = options.timeout ?? DEFAULT_DEBUG_TIMEOUT
    const self = this.components.local.id
    const members = this.components.activeMembers()
    const others = members.filter(m => m.id !== self)
    const answers = await Promise.allSettled(others.map(async m => this.ask(m.id, request, timeout, options.signal)))
    throwIfAborted(options.signal)

    const nodes: NodeDebugInfo[] = []
    const selfMember = members.find(m => m.id === self)
    nodes.push({ ...localSnapshot(this.components.local, request), status: selfMember?.status ?? 'alive' })
    const unanswered: UnansweredMember[] = []
    answers.forEach((answer, i) => {
      const member = others[i]
      if (answer.status === 'fulfilled') {
        nodes.push({ ...answer.value, status: member.status })
      } else {
        const err = answer.reason as Error
        unanswered.push({ id: member.id, name: member.name, error: `${err?.name ?? 'Error'}: ${err?.message ?? String(err)}` })
      }
    })
    return { nodes, unanswered }
  }

  private async ask (peer: string, request: DebugRequest, timeout: number, signal?: AbortSignal): Promise<DebugAnswer> {
    const body = await this.components.call(peer, DEBUG_SERVICE, debugRequest(request), { timeout, signal })
    try {
      return readDebugAnswer(body, peer, request)
    } catch (err) {
      this.rejected(peer, err as InvalidDebugAnswerError)
      throw err
    }
  }

  private answer (body: unknown, from: string): DebugAnswer {
    let request: DebugRequest
    try {
      request = readDebugRequest(body)
    } catch (err) {
      this.rejected(from, err as InvalidDebugRequestError)
      throw err
    }
    return localSnapshot(this.components.local, request)
  }

  private rejected (peer: string, err: Error): void {
    this.invalid++
    this.components.log.error('rejected a malformed $debug message from %s - %s', peer, err.message)
  }
}

function throwIfAborted (signal?: AbortSignal): void {
  if (signal?.aborted === true) { throw new AbortError(signal.reason) }
}

function clamp (value: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(0, Math.floor(value))) : max
}
