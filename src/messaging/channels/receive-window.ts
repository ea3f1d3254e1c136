// Holds a channel stream's receive window at its first size. yamux doubles a stream's window, up to 16 MiB, while its
// reader keeps up: a saturated bulk channel would then have megabytes in flight on the connection, ahead of every
// other stream's frames, the very wait channels exist to keep from a control channel. With the window held, a stream
// has at most yamux's initial 256 KiB on the link: a control frame waits for that much of a bulk channel's at most
// (5 ms at 50 MB/s). A smaller window would wait less and carry less: a stream carries one window per round trip.

/** What yamux's stream keeps of its window; another muxer's stream has neither, and is left as it is. */
interface GrowingWindow {
  recvWindow?: unknown
  maxStreamWindowSize?: unknown
}

export function holdReceiveWindow (stream: object): void {
  const window = stream as GrowingWindow
  if (typeof window.recvWindow === 'number' && typeof window.maxStreamWindowSize === 'number') {
    window.maxStreamWindowSize = Math.min(window.maxStreamWindowSize, window.recvWindow)
  }
}
