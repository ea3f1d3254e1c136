// The top-level supervisors of one node: started by `cluster.supervise`, asked about their children, stopped with it.
import { LocalSupervisor } from './supervisor.ts'
import type { Supervisor, SupervisorFailure, SupervisorSpec } from './index.ts'
import type { SupervisorComponents } from './supervisor.ts'

export interface SupervisorsComponents extends SupervisorComponents {
  /** a top-level supervisor gave up after too many restarts; its children are stopped */
  onFailed(failure: SupervisorFailure): void
}

export class Supervisors {
  private readonly components: SupervisorsComponents
  /** those still running: one that failed or was stopped leaves */
  private readonly running = new Set<LocalSupervisor>()

  constructor (components: SupervisorsComponents) {
    this.components = components
  }

  async supervise (spec: SupervisorSpec): Promise<Supervisor> {
    const { onFailed, ...components } = this.components
    const supervisor = new LocalSupervisor(components, spec, {
      onFailed: (error) => {
        this.running.delete(supervisor)
        onFailed({ name: supervisor.name, error })
      },
      onStopped: () => { this.running.delete(supervisor) }
    })
    await supervisor.start()
    this.running.add(supervisor)
    return supervisor
  }

  /** Whether a supervisor, at any depth, runs this actor. */
  supervised (actorId: string): boolean {
    return [...this.running].some(s => s.childOf(actorId) != null)
  }

  /**
   * Stops a supervised actor through its supervisor, which would otherwise restart it. False when no supervisor
   * runs it, and the caller stops it itself.
   */
  async stopChild (actorId: string): Promise<boolean> {
    for (const supervisor of this.running) {
      const child = supervisor.childOf(actorId)
      if (child != null) {
        await child.supervisor.stopChild(child.id)
        return true
      }
    }
    return false
  }

  /** Stops every supervisor; before their actors are stopped, or they would restart them. */
  async stopAll (): Promise<void> {
    await Promise.allSettled([...this.running].map(async s => s.stop()))
  }
}
