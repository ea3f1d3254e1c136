// Takes an operation to the member acting for its partition: the owner in this node's view first, then whoever a
// member that does not act points at, then the partition's other keepers, waiting a little longer each round while
// a partition moves, until the operation's deadline.
import { sleep } from '../../time/clock.ts'
import { CacheUnavailableError } from '../errors.ts'
import type { CacheEngine } from './cache-engine.ts'
import type { CacheOp, OpAnswer } from './cache-wire.ts'
import type { CacheNodeLink } from './engine-context.ts'

const FIRST_PAUSE = 5
const LONGEST_PAUSE = 200

export type Settled = Exclude<OpAnswer, ['moved', string | null]>

export class OpRouter {
  private readonly engine: CacheEngine
  private readonly link: CacheNodeLink
  private readonly roles: readonly string[]

  constructor (engine: CacheEngine, link: CacheNodeLink, roles: readonly string[]) {
    this.engine = engine
    this.link = link
    this.roles = roles
  }

  /**
   * `key` names what the operation is for in an error; `timeout` bounds the whole operation, retries included. A
   * call that failed may still have been applied: an operation that must not run twice (`once`) is tried again
   * only after an answer that it was not run ('moved'), and fails otherwise.
   */
  async route (partition: number, op: CacheOp, key: string, timeout: number, once = false): Promise<Settled> {
    const { link, engine } = this
    const deadline = link.clock.now() + timeout
    const tried = new Set<string>()
    let hint: string | undefined
    let pause = FIRST_PAUSE
    let reason = 'no member keeps it'
    while (true) {
      engine.ranks.update(link.candidates(this.roles))
      const target = hint ?? engine.ranks.of(partition).find(member => !tried.has(member))
      hint = undefined
      const left = deadline - link.clock.now()
      if (left <= 0) { throw new CacheUnavailableError(engine.name, key, reason) }
      if (target == null) {
        tried.clear()
        await sleep(link.clock, Math.min(pause, left))
        pause = Math.min(pause * 2, LONGEST_PAUSE)
        continue
      }
      tried.add(target)
      let answer: OpAnswer
      try {
        answer = target === link.self
          ? await engine.execute(partition, op)
          : await link.call(target, ['op', engine.name, engine.spec, partition, op], left) as OpAnswer
      } catch (err: any) {
        reason = `${target}: ${err.message ?? err}`
        if (once) { throw new CacheUnavailableError(engine.name, key, `${reason}; it may or may not have been applied`) }
        continue
      }
      if (answer[0] !== 'moved') { return answer }
      reason = 'its partition is moving'
      const pointed = answer[1]
      if (pointed != null && !tried.has(pointed) && link.isActive(pointed)) { hint = pointed }
    }
  }
}
