// Reads frames off a libp2p stream; a bad frame resets that stream (never the node) and is reported.
import { FrameDecoder } from './frames.ts'
import type { Stream } from '@libp2p/interface'

export interface FrameReaderOptions {
  maxFrameSize: number
  /** called once per whole payload, in order */
  onFrame(payload: Uint8Array): void
  /** called once if the stream carried a malformed, oversize or truncated frame; the stream is already reset */
  onInvalid?(err: Error): void
  /** called once when the stream is done, for whatever reason */
  onClose?(): void
}

/**
 * Attaches to a stream's message events. A handler that throws a frame error resets the stream: the
 * remaining bytes of a bad stream cannot be trusted to be aligned on frames.
 */
export function readFrames (stream: Stream, options: FrameReaderOptions): void {
  const decoder = new FrameDecoder(options.maxFrameSize)
  let failed = false

  const fail = (err: Error): void => {
    if (failed) { return }
    failed = true
    stream.abort(err)
    options.onInvalid?.(err)
  }

  stream.addEventListener('message', (evt) => {
    if (failed) { return }
    try {
      for (const payload of decoder.push(evt.data)) {
        options.onFrame(payload)
      }
    } catch (err: any) {
      fail(err)
    }
  })

  stream.addEventListener('remoteCloseWrite', () => {
    if (failed) { return }
    try {
      decoder.end()
    } catch (err: any) {
      fail(err)
    }
  })

  stream.addEventListener('close', () => {
    options.onClose?.()
  }, { once: true })
}
