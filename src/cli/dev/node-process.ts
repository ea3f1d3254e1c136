// One node of `foundation dev`, run as its own process: starts a Foundation node, runs the application on it,
// tells the launcher how many members it sees, and leaves the cluster gracefully when told to.
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { ConfigError } from '../../config/errors.ts'
import { Foundation } from '../../index.ts'
import { AppModuleError } from '../errors.ts'
import { demoApp } from './demo-app.ts'
import { launcherMessage } from './messages.ts'
import type { NodeMessage } from './messages.ts'
import type { Cluster } from '../../cluster/index.ts'
import type { DevApp, DevAppCleanup, DevAppContext } from '../app.ts'

/** how often the member count is checked besides on membership events (a missed event costs at most this) */
const MEMBER_CHECK_MS = 500

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    cluster: { type: 'string' },
    index: { type: 'string' },
    nodes: { type: 'string' },
    restart: { type: 'string' },
    app: { type: 'string' }
  }
})

const name = values.name ?? 'node'
const tell = (message: NodeMessage): void => { if (process.connected) { process.send?.(message) } }
const abort = new AbortController()

let cluster: Cluster | undefined
let starting: Promise<Cluster> | undefined
let cleanup: DevAppCleanup | undefined
let exiting = false

async function loadApp (file: string | undefined): Promise<DevApp> {
  if (file == null) { return demoApp }
  const mod = await import(pathToFileURL(file).href) as { default?: unknown }
  if (typeof mod.default !== 'function') {
    throw new AppModuleError(`${file} has no default export function (cluster, context) for foundation dev to run`)
  }
  return mod.default as DevApp
}

function watchMembers (started: Cluster): void {
  let reported = -1
  const check = (): void => {
    const count = started.members().filter(m => m.status === 'alive' || m.status === 'suspect').length
    if (count === reported) { return }
    reported = count
    tell({ type: 'members', count })
  }
  for (const type of ['member:join', 'member:suspect', 'member:alive', 'member:leave'] as const) {
    started.addEventListener(type, check)
  }
  const timer = setInterval(check, MEMBER_CHECK_MS)
  abort.signal.addEventListener('abort', () => { clearInterval(timer) })
  check()
}

async function stop (): Promise<void> {
  abort.abort()
  try {
    await cleanup?.()
  } catch (err) {
    process.stderr.write(`the application's cleanup failed: ${(err as Error).stack ?? String(err)}\n`)
  }
  // a stop that arrived while the node was starting stops it once it has started
  const running = cluster ?? await starting?.catch(() => undefined)
  await running?.stop()
}

function shutdown (): void {
  if (exiting) { return }
  exiting = true
  stop().then(
    () => { process.exit(0) },
    (err: Error) => {
      process.stderr.write(`stop failed: ${err.stack ?? err.message}\n`)
      process.exit(1)
    }
  )
}

async function main (): Promise<void> {
  process.on('message', (message) => {
    try {
      launcherMessage(message)
      shutdown()
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`)
    }
  })
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
  // the launcher is gone (killed, crashed): do not stay behind
  process.on('disconnect', shutdown)

  const app = await loadApp(values.app)
  starting = Foundation.start({
    profile: 'development',
    clusterName: values.cluster,
    name,
    // a local cluster: reachable from this machine only, found by mDNS on loopback; browser tabs of this machine
    // may join over WebSockets
    listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'],
    http: { enabled: true }
  })
  cluster = await starting
  if (exiting) { return }
  const context: DevAppContext = {
    name,
    index: Number(values.index ?? 1),
    nodes: Number(values.nodes ?? 1),
    restart: Number(values.restart ?? 0),
    signal: abort.signal
  }
  const returned = await app(cluster, context)
  if (typeof returned === 'function') { cleanup = returned }
  if (exiting) { return }
  tell({ type: 'started', id: cluster.id, ...(cluster.info().http != null ? { http: cluster.info().http } : {}) })
  watchMembers(cluster)
}

main().catch((err: Error) => {
  // what fails while leaving (the application cut short by the stop) is part of leaving
  if (exiting) { return }
  const error = err instanceof ConfigError || err instanceof AppModuleError ? err.message : err.stack ?? err.message
  tell({ type: 'failed', error: err.message })
  process.stderr.write(`failed to start: ${error}\n`)
  exiting = true
  void stop().catch(() => {}).finally(() => { process.exit(1) })
})
