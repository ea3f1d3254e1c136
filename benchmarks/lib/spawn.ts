// Spawns N node processes and records when each reports full membership.
//
// A node script is started as `process.execPath <script>` with
//   BENCH_FORMATION_NODES    the cluster size it should reach
//   BENCH_FORMATION_CLUSTER  a cluster name unique to this run
//   BENCH_FORMATION_INDEX    0..N-1
// and reports on stdout, one line each:
//   started           its node is up (listening)
//   members <n>       how many members it sees now (optional, on change)
//   full <members>    it sees every member
// It must keep running after "full" (the others may still need it) and exit when its stdin closes. The harness
// kills every child by pid when the run ends.
import { spawn } from 'node:child_process'
import readline from 'node:readline'
import { round2 } from './result.ts'
import { now } from './stats.ts'
import { within } from './util.ts'
import type { ChildProcess } from 'node:child_process'

export interface FormationOptions {
  nodes: number
  /** absolute path of the node script */
  script: string
  timeoutMs: number
  /** prefix of the generated cluster name */
  clusterPrefix: string
  /** directory for Node's module compile cache (NODE_COMPILE_CACHE) in the children; none when undefined */
  compileCache?: string
  /** more environment for the children */
  env?: Record<string, string>
}

export interface FormationRun {
  nodes: number
  /** ms from spawning the first process to every node reporting full membership; null on timeout */
  allFullMs: number | null
  /** ms from spawning the first process to every node reporting it is up */
  allStartedMs: number | null
  /** ms from the last node reporting it is up to every node at full membership: the protocol's own part */
  lastStartedToFullMs: number | null
  /** per node: ms to "started" and to "full" */
  perNode: Array<{ startedMs: number | null, fullMs: number | null, members: number | null }>
  failures: string[]
}

interface Child {
  process: ChildProcess
  startedMs: number | null
  fullMs: number | null
  members: number | null
  stderr: string
  /** resolves once the process has exited and its stdio has closed */
  closed: Promise<void>
}

export async function formCluster (options: FormationOptions): Promise<FormationRun> {
  const cluster = `${options.clusterPrefix}-${process.pid}-${Date.now().toString(36)}`
  const children: Child[] = []
  const failures: string[] = []
  let settle: () => void = () => {}
  const allFull = new Promise<void>(resolve => { settle = resolve })
  const check = (): void => {
    if (children.length === options.nodes && children.every(c => c.fullMs != null)) { settle() }
  }

  const t0 = now()
  try {
    for (let index = 0; index < options.nodes; index++) {
      const proc = spawn(process.execPath, [options.script], {
        env: {
          ...process.env,
          BENCH_FORMATION_NODES: String(options.nodes),
          BENCH_FORMATION_CLUSTER: cluster,
          BENCH_FORMATION_INDEX: String(index),
          ...(options.compileCache != null ? { NODE_COMPILE_CACHE: options.compileCache } : {}),
          ...options.env
        },
        stdio: ['pipe', 'pipe', 'pipe']
      })
      const closed = new Promise<void>(resolve => { proc.once('close', () => { resolve() }) })
      const child: Child = { process: proc, startedMs: null, fullMs: null, members: null, stderr: '', closed }
      children.push(child)
      proc.on('error', err => { failures.push(`node ${index}: ${err.message}`) })
      // eslint-disable-next-line no-loop-func -- settle ends this one formation run, shared by every child on purpose
      proc.on('exit', (code, signal) => {
        if (child.fullMs == null && code !== null) {
          failures.push(`node ${index} exited early (code ${code}, signal ${signal}): ${firstError(child.stderr)}`)
          settle()
        }
      })
      proc.stderr?.setEncoding('utf8')
      proc.stderr?.on('data', (text: string) => { child.stderr = (child.stderr + text).slice(-4000) })
      const lines = readline.createInterface({ input: proc.stdout! })
      lines.on('line', line => {
        const [word, arg] = line.trim().split(/\s+/)
        if (word === 'started' && child.startedMs == null) {
          child.startedMs = round2(now() - t0)
        } else if (word === 'members') {
          child.members = Number(arg)
        } else if (word === 'full' && child.fullMs == null) {
          child.fullMs = round2(now() - t0)
          child.members = arg != null ? Number(arg) : null
          check()
        }
      })
    }

    const timedOut = !(await within(allFull.then(() => true), options.timeoutMs))
    if (timedOut) {
      const missing = children.filter(c => c.fullMs == null).length
      const seen = children.map(c => c.members ?? '-').join(',')
      failures.push(`${missing} of ${options.nodes} nodes not at full membership within ${options.timeoutMs} ms (members seen per node: ${seen})`)
    }
  } finally {
    await killAll(children)
  }

  const full = children.map(c => c.fullMs)
  const started = children.map(c => c.startedMs)
  const allFullMs = full.length === options.nodes && full.every(x => x != null) ? Math.max(...full as number[]) : null
  const allStartedMs = started.length === options.nodes && started.every(x => x != null) ? Math.max(...started as number[]) : null
  return {
    nodes: options.nodes,
    allFullMs,
    allStartedMs,
    lastStartedToFullMs: allFullMs != null && allStartedMs != null ? round2(allFullMs - allStartedMs) : null,
    perNode: children.map(c => ({ startedMs: c.startedMs, fullMs: c.fullMs, members: c.members })),
    failures
  }
}

/** SIGTERM each child by pid, SIGKILL those still alive after 3 s; resolves when their stdio has closed. */
async function killAll (children: Child[]): Promise<void> {
  const alive = (p: ChildProcess): boolean => p.exitCode === null && p.signalCode === null
  await Promise.all(children.map(async ({ process: p, closed }) => {
    if (p.pid != null && alive(p)) {
      try { process.kill(p.pid, 'SIGTERM') } catch {}
      if (!(await within(closed.then(() => true), 3000)) && alive(p)) {
        try { process.kill(p.pid, 'SIGKILL') } catch {}
      }
    }
    if (!(await within(closed.then(() => true), 2000))) {
      p.stdin?.destroy()
      p.stdout?.destroy()
      p.stderr?.destroy()
    }
  }))
}

/** The most telling line of a crashed child's stderr: the first that names an error, else the last. */
function firstError (stderr: string): string {
  const lines = stderr.split('\n').map(l => l.trim()).filter(l => l !== '')
  return lines.find(l => /\b[A-Za-z]*Error\b/.test(l)) ?? lines.at(-1) ?? '(no stderr)'
}
