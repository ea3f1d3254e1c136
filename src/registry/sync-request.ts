// One pull of a member's names: a request on a new stream, and the member's whole answer, checked frame by frame.
import { peerIdFromString } from '@libp2p/peer-id'
import { openStreamToPeer } from '../node/pair-dial.ts'
import { readFrames } from '../wire/frame-reader.ts'
import { RegistrySyncError } from './errors.ts'
import { MAX_SYNC_FRAME, SyncAnswer } from './sync-wire.ts'
import type { RegistryRecord } from './record.ts'
import type { SyncCodec } from './sync-wire.ts'
import type { Host } from '../node/create-host.ts'
import type { StreamCloseEvent } from '@libp2p/interface'

export interface SyncRequestOptions {
  protocol: string
  codec: SyncCodec
  signal: AbortSignal
  /** a malformed answer frame, after which the stream is reset */
  onInvalid(err: Error): void
}

/** Resolves with the member's records once its whole answer is in and valid; rejects on a reset, a bad frame or the signal. */
export async function requestNames (host: Host, member: string, options: SyncRequestOptions): Promise<RegistryRecord[]> {
  const { codec, signal } = options
  // on the connection the pair keeps, dialled under the pair's rule: the pull runs as a member joins, when the member
  // may be dialling us too
  const stream = await openStreamToPeer(host, peerIdFromString(member), options.protocol, {
    signal,
    runOnLimitedConnection: false
  })
  // a dial that runs out of time can still hand back a stream, already reset: its close event would never come
  if (stream.status !== 'open') {
    throw new RegistrySyncError(member, `stream ${stream.status} before the request was sent`, { cause: signal.reason })
  }

  const answer = new SyncAnswer(member, codec)

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
      onInvalid: (err) => { options.onInvalid(err) }
    })

    try {
      stream.send(codec.request())
      stream.close({ signal }).catch((err: Error) => { stream.abort(err) })
    } catch (err: any) {
      stream.abort(err)
    }

    if (signal.aborted) {
      onAbort()
    }
  })
}
