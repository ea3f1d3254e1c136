// Runs one example as its own process with the environment a test gives it, collects its output lines, and ends
// it by pid: by a signal it should stop on, or by SIGKILL in cleanup.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'

export interface Exit { code: number | null, signal: NodeJS.Signals | null }

/** the repository root: the nearest folder above this file that holds the examples */
function repoRoot (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'examples', 'zero-config', 'main.ts'))) {
    const parent = dirname(dir)
    if (parent === dir) { throw new Error('examples/zero-config/main.ts not found above the test') }
    dir = parent
  }
  return dir
}

/** The environment without any FOUNDATION_* variable of the shell running the tests, plus `env`. */
export function exampleEnv (env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('FOUNDATION_') && name !== 'NODE_ENV'))
  return { ...clean, ...env }
}

export class ExampleProcess {
  readonly label: string
  readonly process: ChildProcess
  readonly stdout: string[] = []
  readonly stderr: string[] = []
  readonly exited: Promise<Exit>
  private exit?: Exit
  private readonly waiters = new Set<() => void>()

  /** `example` is the folder under examples/, such as 'zero-config'; `cwd` defaults to the repository root */
  constructor (label: string, example: string, env: Record<string, string>, cwd?: string) {
    this.label = label
    const root = repoRoot()
    this.process = spawn(process.execPath, [join(root, 'examples', example, 'main.ts')], {
      cwd: cwd ?? root,
      env: exampleEnv(env),
      stdio: ['ignore', 'pipe', 'pipe']
    })
    createInterface({ input: this.process.stdout! }).on('line', (line) => { this.stdout.push(line); this.wake() })
    createInterface({ input: this.process.stderr! }).on('line', (line) => { this.stderr.push(line); this.wake() })
    this.exited = new Promise((resolve) => {
      this.process.once('close', (code, signal) => {
        this.exit = { code, signal }
        resolve(this.exit)
        this.wake()
      })
    })
  }

  /** stderr without Node's own warnings (the test runner's NODE_OPTIONS turn on experimental features) */
  get errors (): string[] {
    return this.stderr.filter(line => !/^\(node:\d+\) \w*Warning: |^\(Use `node --trace-warnings/.test(line))
  }

  /** both streams, for failure messages */
  get output (): string {
    return [...this.stdout, ...this.stderr.map(line => `[stderr] ${line}`)].join('\n')
  }

  /** resolves with the first line of `stream` matching `pattern`; rejects after `ms` or when the process exits first */
  async line (pattern: RegExp, ms: number, stream: 'stdout' | 'stderr' = 'stdout'): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const check = (): void => {
        const found = this[stream].find(line => pattern.test(line))
        if (found != null) {
          finish(() => { resolve(found) })
        } else if (this.exit != null) {
          finish(() => { reject(new Error(`${this.label} exited (${JSON.stringify(this.exit)}) before printing ${pattern}:\n${this.output}`)) })
        }
      }
      const timer = setTimeout(() => { finish(() => { reject(new Error(`${this.label} printed no ${pattern} within ${ms} ms:\n${this.output}`)) }) }, ms)
      const finish = (then: () => void): void => {
        clearTimeout(timer)
        this.waiters.delete(check)
        then()
      }
      this.waiters.add(check)
      check()
    })
  }

  /** the exit, or a rejection after `ms` */
  async exitWithin (ms: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => { reject(new Error(`${this.label} did not exit within ${ms} ms:\n${this.output}`)) }, ms)
    })
    try {
      return await Promise.race([this.exited, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  /** sends `signal` and waits for the exit */
  async stop (signal: NodeJS.Signals, ms: number): Promise<Exit> {
    if (this.exit == null && this.process.pid != null) { process.kill(this.process.pid, signal) }
    return this.exitWithin(ms)
  }

  /** ends the process by pid if it still runs; for cleanup, also after a failed test */
  async kill (): Promise<void> {
    if (this.exit != null || this.process.pid == null) { return }
    try {
      process.kill(this.process.pid, 'SIGKILL')
    } catch {
      // it exited meanwhile
    }
    await this.exited
  }

  private wake (): void {
    for (const waiter of this.waiters) { waiter() }
  }
}
