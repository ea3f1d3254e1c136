// yamux, with one race closed. yamux opens an outbound stream by sending its first window update from a microtask;
// when the connection's transport began to close in between (libp2p closing an idle or duplicate connection, a peer
// stopping), that send throws outside any promise and the uncaught StreamStateError ends the process. The guard
// catches it and aborts the stream, whose opener then fails as on any closed connection.
import { yamux } from '@chainsafe/libp2p-yamux'
import type { YamuxMuxerInit } from '@chainsafe/libp2p-yamux'

interface YamuxInternals {
  onCreateStream(options?: unknown): YamuxStreamInternals
}

interface YamuxStreamInternals {
  sendWindowUpdate(): void
  abort(err: Error): void
}

function guardStream (stream: YamuxStreamInternals): YamuxStreamInternals {
  const sendWindowUpdate = stream.sendWindowUpdate.bind(stream)
  stream.sendWindowUpdate = () => {
    try {
      sendWindowUpdate()
    } catch (err) {
      stream.abort(err as Error)
    }
  }
  return stream
}

/** yamux's factory, as `yamux(init)` makes it, whose streams cannot end the process on that race. */
export function guardedYamux (init?: YamuxMuxerInit): ReturnType<typeof yamux> {
  const plain = yamux(init)
  return () => {
    const factory = plain()
    const createStreamMuxer = factory.createStreamMuxer.bind(factory)
    factory.createStreamMuxer = (maConn) => {
      const muxer = createStreamMuxer(maConn)
      const internals = muxer as unknown as YamuxInternals
      const onCreateStream = internals.onCreateStream.bind(muxer)
      internals.onCreateStream = (options) => guardStream(onCreateStream(options))
      return muxer
    }
    return factory
  }
}
