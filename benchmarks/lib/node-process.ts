// A node process driven over its stdio: the harness writes one JSON command a line on its stdin and reads one
// JSON answer a line on its stdout. The child starts by printing { "event": "started", ... } and exits when its
// stdin closes. Every process started here is ended here, by its pid.
import { spawn } from 'node:child_process'
import readline from 'node:readline'
import { BenchTimeoutError, deferred, within } from './util.ts'
import type { Deferred } from './util.ts'
import type { ChildProcess } from 'node:child_process'

/** What the child prints once its node is up. */
export interface StartedLine {
  event: 'started'
  /** the node's peer id */
  id: string
  name: string
}

interface Answer {
  id: number
  ok: boolean
  result?: unknown
  error?: string
}

export class NodeCommandError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'NodeCommandError'
  }
}

export class NodeProcess {
  readonly index: number
  readonly process: ChildProcess
  /** resolves once the process has exited and its stdio has closed */
  readonly closed: Promise<void>
  private readonly pending = new Map<number, Deferred<unknown>>()
  private readonly startedLine = deferred<StartedLine>()
  private nextId = 1
  private stderr = ''
  private exitReason: string | undefined

  constructor (script: string, index: number, env: Record<string, string>) {
    this.index = index
    this.process = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
    this.closed = new Promise<void>(resolve => { this.process.once('close', () => { resolve() }) })
    // a rejection nobody awaits yet (the child died before start was asked for) must not end the harness
    this.startedLine.promise.catch(() => {})
    this.process.on('error', err => { this.fail(`could not run: ${err.message}`) })
    this.process.on('exit', (code, signal) => { this.fail(`exited (code ${code}, signal ${signal}): ${this.lastError()}`) })
    this.process.stdin?.on('error', () => {})
    this.process.stderr?.setEncoding('utf8')
    this.process.stderr?.on('data', (text: string) => { this.stderr = (this.stderr + text).slice(-4000) })
    readline.createInterface({ input: this.process.stdout! }).on('line', line => { this.onLine(line) })
  }

  get pid (): number | undefined {
    return this.process.pid
  }

  get alive (): boolean {
    return this.process.exitCode === null && this.process.signalCode === null
  }

  async started (timeoutMs: number): Promise<StartedLine> {
    const line = await within(this.startedLine.promise, timeoutMs)
    if (line === false) { throw new BenchTimeoutError(`node ${this.index}: not started within ${timeoutMs} ms`) }
    return line
  }

  /** Sends one command and waits for its answer; the child's error comes back as a NodeCommandError. */
  async request<T> (cmd: string, args: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    if (this.exitReason != null) { throw new NodeCommandError(`node ${this.index} ${this.exitReason}`) }
    const id = this.nextId++
    const answer = deferred<unknown>()
    this.pending.set(id, answer)
    this.process.stdin?.write(JSON.stringify({ id, cmd, args }) + '\n')
    const result = await within(answer.promise.then(value => ({ value })), timeoutMs)
    this.pending.delete(id)
    if (result === false) { throw new BenchTimeoutError(`node ${this.index}: ${cmd} not answered within ${timeoutMs} ms`) }
    return result.value as T
  }

  /** Sends a signal by pid; a process already gone is not an error. */
  kill (signal: NodeJS.Signals): void {
    if (this.pid != null && this.alive) {
      try { process.kill(this.pid, signal) } catch {}
    }
  }

  /** Closes its stdin (the child exits by itself), then SIGKILLs it by pid if it is still there after graceMs. */
  async end (graceMs = 3000): Promise<void> {
    this.process.stdin?.end()
    if (!(await within(this.closed.then(() => true), graceMs))) {
      this.kill('SIGKILL')
    }
    if (!(await within(this.closed.then(() => true), 2000))) {
      this.process.stdout?.destroy()
      this.process.stderr?.destroy()
    }
  }

  private onLine (line: string): void {
    if (!line.startsWith('{')) { return }
    let parsed: unknown
    try { parsed = JSON.parse(line) } catch { return }
    if (typeof parsed !== 'object' || parsed == null) { return }
    if ((parsed as StartedLine).event === 'started') {
      this.startedLine.resolve(parsed as StartedLine)
      return
    }
    const answer = parsed as Answer
    const waiting = this.pending.get(answer.id)
    if (waiting == null) { return }
    if (answer.ok) { waiting.resolve(answer.result) } else { waiting.reject(new NodeCommandError(`node ${this.index}: ${answer.error ?? 'failed'}`)) }
  }

  private fail (reason: string): void {
    this.exitReason ??= reason
    const err = new NodeCommandError(`node ${this.index} ${reason}`)
    this.startedLine.reject(err)
    for (const waiting of this.pending.values()) { waiting.reject(err) }
    this.pending.clear()
  }

  private lastError (): string {
    const lines = this.stderr.split('\n').map(l => l.trim()).filter(l => l !== '')
    return lines.find(l => /\b[A-Za-z]*Error\b/.test(l)) ?? lines.at(-1) ?? '(no stderr)'
  }
}

/** Ends every process, each by its pid, whatever state it is in. */
export async function endAll (nodes: readonly NodeProcess[]): Promise<void> {
  await Promise.allSettled(nodes.map(async n => { await n.end() }))
}
