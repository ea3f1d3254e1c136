// Follows every change under a prefix from a known revision, and says when that stops.
import type { Etcd3, IEvent, Watcher } from 'etcd3'

export interface PrefixWatchHandlers {
  /** a batch of changes, in the order etcd made them */
  onChanges(events: IEvent[]): void
  /** the watch stopped delivering (stream lost, watch cancelled by etcd); it will not resume on its own */
  onBreak(cause: Error): void
}

/**
 * Starts watching `prefix` from `fromRevision`, resolving once etcd has accepted the watch. The client's own
 * reconnection would resume from its last revision, which an etcd restarted empty never reaches again: so a
 * break is handed to the caller, who lists again and starts a new watch.
 */
export async function watchPrefix (client: Etcd3, prefix: string, fromRevision: string, handlers: PrefixWatchHandlers, timeout: number): Promise<Watcher> {
  const watcher = client.watch().prefix(prefix).startRevision(fromRevision).watcher()
  // an 'error' event nobody listens to would throw out of the client's stream handler
  watcher.on('error', () => {})
  // listening from the start: changes can arrive in the same tick as etcd's acceptance of the watch
  watcher.on('data', (res) => {
    if (res.events.length > 0) { handlers.onChanges(res.events) }
  })
  try {
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error): void => {
        clearTimeout(timer)
        watcher.off('connected', onConnected)
        watcher.off('disconnected', done)
        watcher.off('error', done)
        if (err != null) {
          reject(err)
          return
        }
        watcher.on('disconnected', (cause) => { handlers.onBreak(cause) })
        watcher.on('error', (cause) => { handlers.onBreak(cause) })
        resolve()
      }
      const onConnected = (): void => { done() }
      const timer = setTimeout(() => { done(new Error(`etcd did not accept the watch within ${timeout} ms`)) }, timeout)
      watcher.on('connected', onConnected)
      watcher.on('disconnected', done)
      watcher.on('error', done)
    })
  } catch (err) {
    await cancelWatch(watcher, timeout)
    throw err
  }
  return watcher
}

/** Cancels a watch, waiting at most `timeout` ms for etcd to confirm. */
export async function cancelWatch (watcher: Watcher, timeout: number): Promise<void> {
  watcher.removeAllListeners('data')
  watcher.removeAllListeners('disconnected')
  watcher.removeAllListeners('error')
  watcher.on('error', () => {})
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([
    watcher.cancel().catch(() => {}),
    new Promise<void>(resolve => { timer = setTimeout(resolve, timeout) })
  ])
  clearTimeout(timer)
}
