// Pulls a member's own names as soon as it joins, and answers such pulls, so a newcomer never reads an empty registry.
import { peerIdFromString } from '@libp2p/peer-id'
import { FrameTooLargeError, MalformedFrameError, TruncatedFrameError } from '../wire/errors.ts'
import { readFrames } from '../wire/frame-reader.ts'
import { InvalidRegistryRecordError, RegistrySyncError } from './errors.ts'
import { anySignal, raceSignal } from './signals.ts'
import { MAX_SYNC_FRAME, SyncAnswer, SyncCodec } from './sync-wire.ts'
import type { RegistryRecord } from './record.ts'
import type { Membership } from '../membership/index.ts'
import type { Host } from '../node/create-host.ts'
import type { Connection, Logger, Stream, StreamCloseEvent } from '@libp2p/interface'

export interface NameSyncComponents {
  host: Host
  membership: Membership
  log: Logger
}

export interface NameSyncInit {
  /** the cluster's registry-sync protocol id */
  protocol: string
  /** how long one attempt to pull a member's names, or to answer one, may take */
  timeout: number
  /** the records of the names this node holds, for a member that asks */
  held(): RegistryRecord[]
  /** a member's complete and valid answer */
  accept(from: string, records: RegistryRecord[]): void
}

/** how many times a member is asked before its names are left to gossip and the DHT */
const MAX_ATTEMPTS = 3

/** pause before asking again, times the attempt number: a member that just connected may not serve the protocol yet */
const RETRY_DELAY = 100

interface Pull {
  controller: AbortController
  done: Promise<void>
  settled: boolean
}

export class NameSync {
  private readonly components: NameSyncComponents
  private readonly init: NameSyncInit
  private readonly log: Logger
  private readonly codec = new SyncCodec()
  /** the latest pull from each member that joined, under way or settled; a member that leaves is dropped */
  private readonly pulls = new Map<string, Pull>()
  /** streams this node is answering, with the member that asked */
  private readonly serving = new Map<Stream, string>()
  private invalid = 0
  private running = false

  constructor (components: NameSyncComponents, init: NameSyncInit) {
    this.components = components
    this.init = init
    this.log = components.log
  }

  /** malformed requests and answers: each reset its stream */
  get invalidMessages (): number {
    return this.invalid
  }

  /** true while the names of some member are still on their way */
  get pending (): boolean {
    for (const pull of this.pulls.values()) {
      if (!pull.settled) {
        return true
      }
    }

    return false
  }

  async start (): Promise<void> {
    if (this.running) {
      return
    }

    await this.components.host.handle(this.init.protocol, this.onStream, { runOnLimitedConnection: false })
    this.running = true
  }

  async stop (): Promise<void> {
    if (!this.running) {
      return
    }

    this.running = false
    for (const [member, pull] of this.pulls) {
      pull.controller.abort(new RegistrySyncError(member, 'the registry stopped'))
    }
    this.pulls.clear()
    for (const [stream, member] of this.serving) {
      stream.abort(new RegistrySyncError(member, 'the registry stopped'))
    }
    this.serving.clear()

    try {
      await this.components.host.unhandle(this.init.protocol)
    } catch (err) {
      this.log.trace('could not unhandle %s - %e', this.init.protocol, err)
    }
  }

  /** Starts pulling the member's names, unless a pull from it is already under way. */
  pull (member: string): void {
    // before the host runs nothing can be dialled: such members are asked by the first lookup after it starts
    if (!this.running || member === this.self() || this.components.host.status !== 'started') {
      return
    }

    const current = this.pulls.get(member)
    if (current != null && !current.settled) {
      return
    }

    const controller = new AbortController()
    const pull: Pull = { controller, settled: false, done: Promise.resolve() }
    pull.done = this.run(member, controller.signal)
      .catch(err => { this.log.error('pull from %s failed - %e', member, err) })
      .finally(() => { pull.settled = true })
    this.pulls.set(member, pull)
  }

  /** Pulls from every active member never asked yet: whoever calls may hear of a join before the registry does. */
  pullNew (): void {
    for (const member of this.components.membership.activeMembers()) {
      if (!this.pulls.has(member.id)) {
        this.pull(member.id)
      }
    }
  }

  /** Stops pulling from a member that left; the registry forgets its names with the rest of its records. */
  forget (member: string): void {
    this.pulls.get(member)?.controller.abort(new RegistrySyncError(member, 'the member left'))
    this.pulls.delete(member)
  }

  /** Waits for the pulls under way, at most `timeout` ms; rejects only when the caller's signal aborts. */
  async settled (timeout: number, signal?: AbortSignal): Promise<void> {
    const waiting = [...this.pulls.values()].filter(pull => !pull.settled).map(async pull => pull.done)
    if (waiting.length === 0) {
      return
    }

    try {
      await raceSignal(Promise.all(waiting), anySignal(AbortSignal.timeout(timeout), signal))
    } catch (err) {
      if (signal?.aborted === true) {
        throw err
      }

      this.log('still waiting for the names of %d member(s) after %d ms, going on without them', waiting.length, timeout)
    }
  }

  private async run (member: string, signal: AbortSignal): Promise<void> {
    const started = Date.now()

    for (let attempt = 1; ; attempt++) {
      try {
        const records = await this.request(member, anySignal(signal, AbortSignal.timeout(this.init.timeout)))
        if (signal.aborted || !this.running) {
          return
        }

        this.init.accept(member, records)
        this.log('pulled %d names from %s in %d ms', records.length, member, Date.now() - started)
        return
      } catch (err) {
        if (signal.aborted || !this.running) {
          return
        }

        // a malformed answer would come back the same; a member that left has nothing to tell
        if (isMalformed(err) || attempt >= MAX_ATTEMPTS || !this.components.membership.isActive(member)) {
          this.log('could not pull the names of %s after %d attempt(s) - %e', member, attempt, err)
          return
        }

        this.log.trace('pull from %s failed, attempt %d - %e', member, attempt, err)
        await delay(RETRY_DELAY * attempt, signal)
      }
    }
  }

  /** One request on a new stream; resolves with the member's records once its whole answer is in and valid. */
  private async request (member: string, signal: AbortSignal): Promise<RegistryRecord[]> {
    const stream = await this.components.host.dialProtocol(peerIdFromString(member), this.init.protocol, {
      signal,
      runOnLimitedConnection: false
    })
    const answer = new SyncAnswer(member, this.codec)

    return new Promise<RegistryRecord[]>((resolve, reject) => {
      const onAbort = (): void => {
        stream.abort(new RegistrySyncError(member, 'no answer in time', { cause: signal.reason }))
      }
      signal.addEventListener('abort', onAbort, { once: true })

      // the close event carries the reason a stream was reset: a bad frame, a remote reset or our timeout
      stream.addEventListener('close', (evt: StreamCloseEvent) => {
        signal.removeEventListener('abort', onAbort)
        if (evt.error == null && answer.complete) {
          resolve(answer.records)
        } else {
          reject(evt.error ?? new RegistrySyncError(member, `answer ended after ${answer.records.length} names`))
        }
      }, { once: true })

      readFrames(stream, {
        maxFrameSize: MAX_SYNC_FRAME,
        // throws on a bad frame: readFrames then resets the stream and reports it
        onFrame: (payload) => { answer.push(payload) },
        onInvalid: (err) => { this.rejected(member, 'answer', err) }
      })

      try {
        stream.send(this.codec.request())
        stream.close({ signal }).catch((err: Error) => { stream.abort(err) })
      } catch (err: any) {
        stream.abort(err)
      }

      if (signal.aborted) {
        onAbort()
      }
    })
  }

  private readonly onStream = (stream: Stream, connection: Connection): void => {
    const from = connection.remotePeer.toString()
    this.serving.set(stream, from)
    const timer = setTimeout(() => {
      stream.abort(new RegistrySyncError(from, 'request not answered in time'))
    }, this.init.timeout)
    let asked = false

    readFrames(stream, {
      maxFrameSize: MAX_SYNC_FRAME,
      onFrame: (payload) => {
        if (asked) {
          throw new InvalidRegistryRecordError('more than one sync request on a stream')
        }

        this.codec.checkRequest(payload)
        asked = true
        this.answer(stream, from).catch((err: Error) => {
          this.log.trace('could not answer %s - %e', from, err)
          stream.abort(err)
        })
      },
      onInvalid: (err) => { this.rejected(from, 'request', err) },
      onClose: () => {
        clearTimeout(timer)
        this.serving.delete(stream)
      }
    })
  }

  /** Writes the names this node holds right now, respecting backpressure, then ends the stream. */
  private async answer (stream: Stream, to: string): Promise<void> {
    const records = this.init.held()

    for (const chunk of this.codec.answer(records)) {
      if (!stream.send(chunk)) {
        await stream.onDrain()
      }
    }

    await stream.close()
    this.log.trace('sent %d names to %s', records.length, to)
  }

  private rejected (from: string, what: string, err: Error): void {
    this.invalid++
    this.log.error('reset a registry-sync stream from %s carrying a malformed %s - %e', from, what, err)
  }

  private self (): string {
    return this.components.host.peerId.toString()
  }
}

function isMalformed (err: unknown): boolean {
  return err instanceof InvalidRegistryRecordError || err instanceof FrameTooLargeError ||
    err instanceof MalformedFrameError || err instanceof TruncatedFrameError
}

/** Resolves after `ms`, or at once when the signal aborts. */
async function delay (ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>(resolve => {
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
