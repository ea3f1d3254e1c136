// The members running one job: offered the job (at its start, and as they join), taken on when they answer with
// their capacity, benched while they cannot be reached, and chosen for each chunk by the room they have.
import { validateOfferAnswer } from './compute-wire.ts'
import type { CoordinatorLink } from './coordinator-link.ts'

export interface Worker {
  id: string
  /** chunks it may hold at once */
  limit: number
  /** the indexes of the chunks it holds */
  running: Set<number>
  /**
   * a call to it failed as if it were gone: it gets no chunk until it answers an offer again, so a member that
   * crashed does not burn every chunk's tries before the cluster declares it dead
   */
  benched: boolean
}

export interface JobWorkersInit {
  job: string
  task: string
  roles: string[]
  /** chunks each member holds at once; default its capacity plus one, so it never idles between two chunks */
  concurrency: number | undefined
  /** ends the offers in flight when the job ends */
  signal: AbortSignal
  /** a worker was taken on or came back: chunks may go out */
  onReady(): void
  /** a member answered: the job may have no worker left and no offer out */
  onAnswer(): void
}

const SECOND = 1000
/** how long a benched worker waits before it is offered the job again */
const REOFFER_DELAY = SECOND
/** the longest wait before a member that did not answer is offered the job again */
const MAX_REOFFER_DELAY = 30 * SECOND

export class JobWorkers {
  private readonly link: CoordinatorLink
  private readonly init: JobWorkersInit
  private readonly workers = new Map<string, Worker>()
  /** members asked, answered or not: each is asked once while it stays a member */
  private readonly offered = new Set<string>()
  private readonly reoffers = new Set<ReturnType<typeof setTimeout>>()
  /** offers out, and benched workers waiting for theirs */
  private pendingOffers = 0
  /** unanswered offers so far, by member: each waits twice as long as the one before for another */
  private readonly unanswered = new Map<string, number>()
  /** workers lost to a leave, for NoWorkersLeftError */
  readonly lost: string[] = []

  constructor (link: CoordinatorLink, init: JobWorkersInit) {
    this.link = link
    this.init = init
  }

  /** members asked so far */
  get asked (): number {
    return this.offered.size
  }

  /** workers, benched ones included */
  get size (): number {
    return this.workers.size
  }

  get pending (): number {
    return this.pendingOffers
  }

  /** workers that may take chunks now */
  get active (): number {
    let count = 0
    for (const worker of this.workers.values()) { if (!worker.benched) { count++ } }
    return count
  }

  get (id: string): Worker | undefined {
    return this.workers.get(id)
  }

  /** the worker with the most room, so chunks spread as members free up */
  free (): Worker | undefined {
    let best: Worker | undefined
    for (const worker of this.workers.values()) {
      const room = worker.limit - worker.running.size
      if (room > 0 && !worker.benched && (best === undefined || room > best.limit - best.running.size)) { best = worker }
    }
    return best
  }

  /** whether the worker may take one more chunk */
  hasRoom (worker: Worker): boolean {
    return this.workers.get(worker.id) === worker && !worker.benched && worker.running.size < worker.limit
  }

  /** A member joined: it is offered the job when it has the roles. */
  joined (member: { id: string, roles: string[] }): void {
    if (this.offered.has(member.id) || this.workers.has(member.id)) { return }
    if (this.init.roles.every(role => member.roles.includes(role))) { this.offer(member.id) }
  }

  /** A member left: its worker, if it was one, with the chunks it held. */
  left (id: string): Worker | undefined {
    this.offered.delete(id)
    const worker = this.workers.get(id)
    if (worker === undefined) { return undefined }
    this.workers.delete(id)
    this.lost.push(id)
    return worker
  }

  /** The member will not run the job (it refused a chunk, answered garbage, stopped its compute). */
  remove (id: string): void {
    this.workers.delete(id)
  }

  offer (node: string): void {
    this.offered.add(node)
    this.pendingOffers++
    let answered = false
    const { job, task, signal } = this.init
    this.link.call(node, { offer: { job, task } }, { timeout: this.link.offerTimeout, signal })
      .then(answer => {
        const { capacity } = validateOfferAnswer(answer)
        answered = true
        return capacity
      }, (err: any) => {
        if (!signal.aborted) { this.link.log('job %s: %s did not answer the offer - %e', job, node, err) }
        return 0
      })
      .then(capacity => {
        this.pendingOffers--
        if (signal.aborted) { return }
        this.answered(node, capacity, answered)
        this.init.onAnswer()
      })
      .catch((err: any) => { this.link.log.error('job %s: taking the answer of %s failed - %e', job, node, err) })
  }

  /** The job ended: no offer goes out any more. */
  close (): void {
    for (const timer of this.reoffers) { clearTimeout(timer) }
    this.reoffers.clear()
  }

  /** Takes a worker out of the dispatch until it answers an offer again, a while from now. */
  bench (worker: Worker): void {
    if (worker.benched || this.workers.get(worker.id) !== worker) { return }
    worker.benched = true
    this.reofferLater(worker)
  }

  /**
   * A member that did not answer (a busy machine, a connection still being set up) is asked again, ever less often,
   * while it stays a member. The job does not wait for it: with no worker and no other offer out it fails as it would.
   */
  private askAgainLater (node: string): void {
    const tries = (this.unanswered.get(node) ?? 0) + 1
    this.unanswered.set(node, tries)
    const timer = setTimeout(() => {
      this.reoffers.delete(timer)
      if (!this.init.signal.aborted && this.offered.has(node) && !this.workers.has(node) && this.link.isActive(node)) { this.offer(node) }
    }, Math.min(REOFFER_DELAY * 2 ** (tries - 1), MAX_REOFFER_DELAY))
    this.reoffers.add(timer)
  }

  private reofferLater (worker: Worker): void {
    this.pendingOffers++
    const timer = setTimeout(() => {
      this.reoffers.delete(timer)
      this.pendingOffers--
      if (this.init.signal.aborted) { return }
      if (this.workers.get(worker.id) === worker) { this.offer(worker.id) } else { this.init.onAnswer() }
    }, REOFFER_DELAY)
    this.reoffers.add(timer)
  }

  private answered (node: string, capacity: number, answered: boolean): void {
    const known = this.workers.get(node)
    if (capacity > 0 && this.offered.has(node) && this.link.isActive(node)) {
      if (known === undefined) {
        this.workers.set(node, { id: node, limit: this.init.concurrency ?? capacity + 1, running: new Set(), benched: false })
      } else {
        known.benched = false
      }
      this.init.onReady()
    } else if (known !== undefined) {
      // a benched worker that answers no longer has the task; one that does not answer is asked again later
      if (answered) { this.workers.delete(node) } else { this.reofferLater(known) }
    } else if (!answered && this.offered.has(node) && this.link.isActive(node)) {
      this.askAgainLater(node)
    }
  }
}
