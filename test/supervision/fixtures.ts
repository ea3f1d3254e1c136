// Actors and a small harness for supervisor tests: a journal of starts and stops, instances counted.
import { defaultLogger } from '@libp2p/logger'
import { LocalActors } from '../../src/actors/local-actors.ts'
import { LocalSupervisor } from '../../src/supervision/supervisor.ts'
import type { Actor, ActorContext, ActorRef } from '../../src/actors/index.ts'
import type { SupervisorSpec } from '../../src/supervision/index.ts'

export interface WorkerMessage {
  value?: unknown
  /** wait this long first, so messages queue behind this one */
  delay?: number
  /** throw a RangeError with this message */
  crash?: string
  /** end the actor normally after answering */
  stop?: boolean
}

/** Shared by every instance of a test's workers: what happened, in order. */
export class Journal {
  readonly events: string[] = []
  /** instances made so far, per tag */
  readonly made = new Map<string, number>()
  /** `started` throws for this tag while the count is above 0 */
  readonly failStarts = new Map<string, number>()

  since (mark: number): string[] {
    return this.events.slice(mark)
  }
}

export class Worker implements Actor {
  private readonly journal: Journal
  private readonly tag: string
  readonly instance: number

  constructor (journal: Journal, tag: string) {
    this.journal = journal
    this.tag = tag
    this.instance = (journal.made.get(tag) ?? 0) + 1
    journal.made.set(tag, this.instance)
  }

  started (): void {
    const failures = this.journal.failStarts.get(this.tag) ?? 0
    if (failures > 0) {
      this.journal.failStarts.set(this.tag, failures - 1)
      this.journal.events.push(`fail ${this.tag}`)
      throw new Error(`${this.tag} cannot start`)
    }
    this.journal.events.push(`start ${this.tag}`)
  }

  stopped (): void {
    this.journal.events.push(`stop ${this.tag}`)
  }

  async receive (message: WorkerMessage, context: ActorContext): Promise<unknown> {
    if (message.delay != null) { await new Promise(resolve => setTimeout(resolve, message.delay)) }
    if (message.crash != null) { throw new RangeError(message.crash) }
    if (message.stop === true) { context.stop() }
    return { value: message.value, instance: this.instance }
  }
}

/** Supervisors over local actors, with the registry replaced by a map. */
export class Harness {
  readonly journal = new Journal()
  readonly actors = new LocalActors({ nodeId: 'n1', onUnhandledError: () => {} })
  readonly names = new Map<string, ActorRef>()
  private readonly started: LocalSupervisor[] = []

  async supervise (spec: SupervisorSpec): Promise<LocalSupervisor> {
    const supervisor = new LocalSupervisor({
      actors: this.actors,
      register: async (name, ref) => { this.names.set(name, ref) },
      unregister: async (name) => { this.names.delete(name) },
      log: defaultLogger().forComponent('test:supervisor')
    }, spec)
    await supervisor.start()
    this.started.push(supervisor)
    return supervisor
  }

  /** a worker child spec whose tag is its id */
  worker (id: string, extra: { name?: string, restart?: 'permanent' | 'transient' | 'temporary' } = {}): { id: string, actor: typeof Worker, args: unknown[], name?: string, restart?: 'permanent' | 'transient' | 'temporary' } {
    return { id, actor: Worker, args: [this.journal, id], ...extra }
  }

  async call (ref: ActorRef | undefined, message: WorkerMessage): Promise<any> {
    return new Promise((resolve, reject) => {
      const cell = ref != null ? this.actors.get(ref.id) : undefined
      if (cell == null) {
        reject(new Error(`no actor ${ref?.id}`))
        return
      }
      cell.deliver(message, { resolve, reject })
    })
  }

  async stopAll (): Promise<void> {
    await Promise.allSettled(this.started.splice(0).map(async s => s.stop()))
    await this.actors.stopAll()
  }
}

export function refOf (supervisor: { children(): Array<{ id: string, ref?: ActorRef }> }, id: string): ActorRef {
  const ref = supervisor.children().find(c => c.id === id)?.ref
  if (ref == null) { throw new Error(`no ref for child ${id}`) }
  return ref
}
