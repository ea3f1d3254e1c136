// The Foundation demo (`npm run demo`): a local cluster of node processes that find each other by mDNS, call and
// send to each other's named actors and talk on a pub/sub topic. Each node prints what it does and sees, as
// "<node name>: ...". Stops on Ctrl-C / SIGTERM, or by itself after --duration.
/* eslint-disable no-console */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Command, InvalidArgumentError } from 'commander'
import type { ChildMessage, ParentMessage } from './node.ts'
import type { ChildProcess } from 'node:child_process'

/** how long a node may take to start and spawn its actors */
const READY_TIMEOUT_MS = 30_000
/** how long a node may take to leave the cluster and exit before it is killed */
const STOP_TIMEOUT_MS = 5_000

const NODE_SCRIPT = fileURLToPath(new URL('./node.ts', import.meta.url))

interface Options {
  nodes: number
  duration?: number
  cluster: string
}

interface Child {
  name: string
  process: ChildProcess
  pid: number
  ready: boolean
  /** the exit code, or the signal that ended it, once it has exited and its output is read */
  exit?: { code: number | null, signal: NodeJS.Signals | null }
  closed: Promise<void>
  killed: boolean
}

const say = (line: string): void => { console.log(`demo: ${line}`) }

function parseCount (value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 32) { throw new InvalidArgumentError('a whole number from 1 to 32') }
  return n
}

function parseSeconds (value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) { throw new InvalidArgumentError('a number of seconds above 0') }
  return n
}

function parseOptions (): Options {
  const program = new Command('foundation-demo')
    .description('Runs a local Foundation cluster of node processes that find each other by mDNS, call each other\'s actors and publish on a topic.')
    .option('-n, --nodes <count>', 'how many node processes to start', parseCount, 3)
    .option('-d, --duration <seconds>', 'stop by itself this many seconds after every node is up (default: run until Ctrl-C)', parseSeconds)
    .option('-c, --cluster <name>', 'the cluster name (default: foundation-demo-<random>, so two demos never merge)')
    .parse()
  const opts = program.opts<{ nodes: number, duration?: number, cluster?: string }>()
  return {
    nodes: opts.nodes,
    duration: opts.duration,
    cluster: opts.cluster ?? `foundation-demo-${randomBytes(4).toString('hex')}`
  }
}

function startChild (name: string, cluster: string, onMessage: (child: Child, message: ChildMessage) => void): Child {
  const proc = spawn(process.execPath, [...process.execArgv, NODE_SCRIPT, '--name', name, '--cluster', cluster], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc']
  })
  if (proc.pid == null) { throw new Error(`could not start ${name}`) }
  // whole lines only, so the output of the nodes never interleaves mid-line
  const stdout = createInterface({ input: proc.stdout! })
  stdout.on('line', (line) => { console.log(line) })
  const stderr = createInterface({ input: proc.stderr! })
  stderr.on('line', (line) => { console.error(line) })

  const child: Child = {
    name,
    process: proc,
    pid: proc.pid,
    ready: false,
    killed: false,
    closed: new Promise((resolve) => {
      proc.once('close', (code, signal) => {
        child.exit = { code, signal }
        resolve()
      })
    })
  }
  proc.on('message', (message: ChildMessage) => { onMessage(child, message) })
  proc.on('error', (err) => { console.error(`demo: ${name}: ${err.message}`) })
  return child
}

async function main (): Promise<number> {
  const options = parseOptions()
  say(`starting cluster "${options.cluster}" with ${options.nodes} node${options.nodes === 1 ? '' : 's'}${options.duration != null ? ` for ${options.duration} s` : ''}; Ctrl-C to stop`)

  const children: Child[] = []
  let stopping: string | undefined
  let failed = false
  let durationTimer: NodeJS.Timeout | undefined
  let resolveStop: () => void = () => {}
  const stopRequested = new Promise<void>((resolve) => { resolveStop = resolve })

  const requestStop = (why: string): void => {
    if (stopping != null) { return }
    stopping = why
    say(`stopping: ${why}`)
    resolveStop()
  }

  const readyTimer = setTimeout(() => {
    failed = true
    requestStop(`not every node was up after ${READY_TIMEOUT_MS / 1000} s`)
  }, READY_TIMEOUT_MS)

  const onMessage = (child: Child, message: ChildMessage): void => {
    if (message.type !== 'ready' || child.ready) { return }
    child.ready = true
    if (stopping != null || children.length < options.nodes || !children.every(c => c.ready)) { return }
    clearTimeout(readyTimer)
    say(`all ${children.length} nodes are up${options.duration != null ? `; stopping in ${options.duration} s` : ''}`)
    if (options.duration != null) {
      durationTimer = setTimeout(() => { requestStop(`${options.duration} s are up`) }, options.duration * 1000)
    }
  }

  let interrupts = 0
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts++
    if (interrupts === 1) {
      requestStop(`got ${signal}`)
      return
    }
    // a second Ctrl-C: do not wait any longer
    say(`got ${signal} again: killing the nodes`)
    for (const child of children) { kill(child) }
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  // the output is gone (`npm run demo | head`): stop the nodes all the same
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') { requestStop('the output was closed') }
  })

  const onEarlyExit = (child: Child): void => {
    if (stopping != null) { return }
    // exit code 0: it was stopped by a signal of its own (Ctrl-C in a terminal reaches every node too)
    if (child.exit?.code === 0) {
      requestStop(`${child.name} stopped`)
      return
    }
    failed = true
    requestStop(`${child.name} exited unexpectedly (${describeExit(child)})`)
  }
  for (let i = 1; i <= options.nodes; i++) {
    const child = startChild(`node-${i}`, options.cluster, onMessage)
    children.push(child)
    say(`started ${child.name} (pid ${child.pid})`)
    void child.closed.then(() => { onEarlyExit(child) })
  }

  await stopRequested
  clearTimeout(durationTimer)
  clearTimeout(readyTimer)

  // one node after the other, last first, leaves the cluster gracefully and exits, so the others can be seen
  // noticing; one that hangs is killed
  for (const child of [...children].reverse()) {
    await stopChild(child)
    say(`${child.name} (pid ${child.pid}) ${describeExit(child)}`)
  }
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)

  const clean = !failed && children.every(c => !c.killed && c.exit?.code === 0)
  say(clean ? 'every node stopped cleanly' : 'some nodes did not stop cleanly')
  return clean ? 0 : 1
}

async function stopChild (child: Child): Promise<void> {
  if (child.exit == null && child.process.connected) { child.process.send({ type: 'stop' } satisfies ParentMessage) }
  const killTimer = setTimeout(() => {
    say(`${child.name} (pid ${child.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s: killing it`)
    kill(child)
  }, STOP_TIMEOUT_MS)
  await child.closed
  clearTimeout(killTimer)
}

function kill (child: Child): void {
  if (child.exit != null) { return }
  child.killed = true
  try {
    process.kill(child.pid, 'SIGKILL')
  } catch {
    // it exited meanwhile
  }
}

function describeExit (child: Child): string {
  if (child.killed) { return 'was killed' }
  if (child.exit?.signal != null) { return `ended by ${child.exit.signal}` }
  return `exited with code ${child.exit?.code}`
}

main().then(
  (code) => { process.exitCode = code },
  (err: Error) => {
    console.error(`demo: ${err.stack ?? err.message}`)
    process.exitCode = 1
  }
)
