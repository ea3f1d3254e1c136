// `foundation dev`: a local cluster of node processes with the dashboard, progress while it forms, and rolling
// restarts on file changes with --watch.
import { randomBytes } from 'node:crypto'
import { statSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { Command, InvalidArgumentError } from 'commander'
import { DevCluster } from '../dev/dev-cluster.ts'
import { watchFolder } from '../dev/watch.ts'
import { UsageError } from '../errors.ts'
import type { FolderWatch } from '../dev/watch.ts'
import type { Output } from '../output.ts'

/** how long the cluster may take to form, and a restarted node to join again */
const FORM_TIMEOUT_MS = 60_000
/** how long a node may take to hand its actors off, leave and exit before it is killed */
const STOP_TIMEOUT_MS = 40_000
const MAX_NODES = 32
/** a second signal sooner than this after the first is the same one, delivered twice */
const REPEAT_SIGNAL_MS = 1000

export interface DevOptions {
  nodes: number
  watch?: boolean
  cluster?: string
}

function parseCount (value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_NODES) { throw new InvalidArgumentError(`a whole number from 1 to ${MAX_NODES}`) }
  return n
}

function parseClusterName (value: string): string {
  if (!/^[\w.-]{1,64}$/.test(value)) { throw new InvalidArgumentError('letters, digits, ".", "_" or "-", at most 64') }
  return value
}

function appPath (app: string | undefined): string | undefined {
  if (app == null) { return undefined }
  const file = resolve(app)
  let isFile = false
  try {
    isFile = statSync(file).isFile()
  } catch {
    // missing or unreadable: said below
  }
  if (!isFile) { throw new UsageError(`no application module at ${app}`) }
  return file
}

export async function runDev (appArg: string | undefined, options: DevOptions, output: Output): Promise<number> {
  const app = appPath(appArg)
  // a random name: two runs on one machine or LAN never merge
  const clusterName = options.cluster ?? `foundation-dev-${randomBytes(3).toString('hex')}`
  const cluster = new DevCluster({ nodes: options.nodes, cluster: clusterName, formTimeout: FORM_TIMEOUT_MS, stopTimeout: STOP_TIMEOUT_MS, ...(app != null ? { app } : {}) }, output)
  const stop = new AbortController()
  let failed = false
  let watcher: FolderWatch | undefined
  let restarting: Promise<void> | undefined
  /** a change came while a restart was under way: one more round follows it */
  let pending = false

  const requestStop = (why: string): void => {
    if (stop.signal.aborted) { return }
    output.line(`foundation: stopping (${why})`)
    stop.abort(new Error(why))
  }
  let firstSignal = 0
  const onSignal = (signal: NodeJS.Signals): void => {
    if (firstSignal === 0) {
      firstSignal = Date.now()
      requestStop(signal)
      return
    }
    // one signal often arrives twice at once (sent to the process and to its group): only a later one counts
    if (Date.now() - firstSignal < REPEAT_SIGNAL_MS) { return }
    // a second Ctrl-C: do not wait any longer
    output.line(`foundation: ${signal} again: killing the nodes`)
    cluster.kill()
  }
  const onOutputClosed = (err: NodeJS.ErrnoException): void => { if (err.code === 'EPIPE') { requestStop('the output was closed') } }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.stdout.on('error', onOutputClosed)
  cluster.onLost = (node) => {
    if (stop.signal.aborted) { return }
    if (options.watch === true) {
      output.error(`foundation: ${node.spec.name} ${node.describeExit()}; it starts again at the next change`)
      return
    }
    failed = true
    requestStop(`${node.spec.name} ${node.describeExit()}`)
  }

  const restartAll = (files: string[]): void => {
    output.line(`foundation: ${files.length === 1 ? files[0] : `${files.length} files`} changed`)
    if (restarting != null) {
      // the restart under way finishes, then one more round runs for these changes
      pending = true
      return
    }
    restarting = (async () => {
      do {
        pending = false
        try {
          await cluster.restartEach(stop.signal)
          if (!stop.signal.aborted) { output.line('foundation: every node runs the new code') }
        } catch (err) {
          if (!stop.signal.aborted) { output.error(`foundation: restart stopped: ${(err as Error).message}; the next change tries again`) }
        }
      } while (pending && !stop.signal.aborted)
    })().finally(() => { restarting = undefined })
  }

  try {
    output.line(`foundation: starting cluster "${clusterName}" with ${options.nodes} node${options.nodes === 1 ? '' : 's'} running ${app != null ? relative(process.cwd(), app) : 'the built-in demo'}; Ctrl-C to stop`)
    await cluster.start(stop.signal)
    output.line(`foundation: cluster "${clusterName}" formed: ${options.nodes} node${options.nodes === 1 ? '' : 's'}`)
    for (const node of cluster.nodes) {
      output.line(`  ${node.spec.name}  ${node.http ?? '(no HTTP endpoint)'}  pid ${node.pid}`)
    }
    const dashboard = cluster.nodes.find(node => node.http != null)?.http
    if (dashboard != null) { output.line(`foundation: dashboard ${dashboard}/`) }
    if (options.watch === true) {
      const dir = app != null ? dirname(app) : process.cwd()
      watcher = watchFolder(dir, restartAll)
      output.line(`foundation: watching ${dir}: a change restarts the nodes one at a time`)
    }
    await new Promise<void>((resolve) => { stop.signal.addEventListener('abort', () => { resolve() }, { once: true }) })
  } catch (err) {
    if (!stop.signal.aborted) {
      failed = true
      output.error(`foundation: ${(err as Error).message}`)
    }
  } finally {
    watcher?.close()
    await restarting
    const clean = await cluster.stop()
    for (const node of cluster.nodes) { output.line(`foundation: ${node.spec.name} (pid ${node.pid}) ${node.describeExit()}`) }
    output.line(clean ? 'foundation: every node stopped cleanly' : 'foundation: some nodes did not stop cleanly')
    failed ||= !clean
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    process.stdout.off('error', onOutputClosed)
  }
  return failed ? 1 : 0
}

export function devCommand (output: Output, finish: (code: number) => void): Command {
  return new Command('dev')
    .description('run a local cluster of node processes, each with its HTTP endpoint and the dashboard')
    .argument('[app]', 'a module whose default export, async (cluster, context) => {...}, runs on every node (default: a built-in demo)')
    .option('-n, --nodes <count>', 'how many node processes', parseCount, 3)
    .option('-w, --watch', 'on a change under the app\'s folder (or here), restart the nodes one at a time')
    .option('-c, --cluster <name>', 'the cluster name (default: foundation-dev-<random>, so two runs never merge)', parseClusterName)
    .action(async (app: string | undefined, options: DevOptions) => { finish(await runDev(app, options, output)) })
}
