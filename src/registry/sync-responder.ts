// The answering side of join sync: a member that asks gets the names this node holds, once per stream, within the timeout.
import { readFrames } from '../wire/frame-reader.ts'
import { InvalidRegistryRecordError, RegistrySyncError } from './errors.ts'
import { MAX_SYNC_FRAME, SyncCodec } from './sync-wire.ts'
import type { NameSyncComponents } from './name-sync.ts'
import type { RegistryRecord } from './record.ts'
import type { Connection, Stream } from '@libp2p/interface'

export interface SyncResponderInit {
  protocol: string
  /** how long a member may take to ask, and this node to answer */
  timeout: number
  /** the records of the names this node holds */
  held(): RegistryRecord[]
}

export class SyncResponder {
  private readonly components: NameSyncComponents
  private readonly init: SyncResponderInit
  private readonly codec = new SyncCodec()
  /** streams this node is answering, with the member that asked */
  private readonly serving = new Map<Stream, string>()
  private invalid = 0

  constructor (components: NameSyncComponents, init: SyncResponderInit) {
    this.components = components
    this.init = init
  }

  /** malformed requests: each reset its stream */
  get invalidMessages (): number {
    return this.invalid
  }

  async start (): Promise<void> {
    await this.components.host.handle(this.init.protocol, this.onStream, { runOnLimitedConnection: false })
  }

  async stop (): Promise<void> {
    for (const [stream, member] of this.serving) {
      stream.abort(new RegistrySyncError(member, 'the registry stopped'))
    }
    this.serving.clear()

    try {
      await this.components.host.unhandle(this.init.protocol)
    } catch (err) {
      this.components.log.trace('could not unhandle %s - %e', this.init.protocol, err)
    }
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
          this.components.log.trace('could not answer %s - %e', from, err)
          stream.abort(err)
        })
      },
      onInvalid: (err) => { this.rejected(from, err) },
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
    this.components.log.trace('sent %d names to %s', records.length, to)
  }

  private rejected (from: string, err: Error): void {
    this.invalid++
    this.components.log.error('reset a registry-sync stream from %s carrying a malformed request - %e', from, err)
  }
}
