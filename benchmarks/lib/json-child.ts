// Runs one measurement in a child process of its own and reads its result: the last line of JSON on its stdout.
// The child is killed by pid if it overruns, and always waited for.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { BenchTimeoutError } from './util.ts'

export interface JsonChildOptions {
  /** absolute path of the script */
  script: string
  /** node flags before the script, e.g. --expose-gc */
  execArgv?: string[]
  env?: Record<string, string>
  timeoutMs: number
}

export class ChildFailedError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ChildFailedError'
  }
}

export async function runJsonChild<T> (options: JsonChildOptions): Promise<T> {
  const child = spawn(process.execPath, [...(options.execArgv ?? []), options.script], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  child.stdout.on('data', (text: string) => { stdout += text })
  child.stderr.on('data', (text: string) => { stderr = (stderr + text).slice(-4000) })
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    if (child.pid != null) { try { process.kill(child.pid, 'SIGKILL') } catch {} }
  }, options.timeoutMs)
  try {
    const [code, signal] = await once(child, 'close') as [number | null, NodeJS.Signals | null]
    if (timedOut) {
      throw new BenchTimeoutError(`${options.script}: no result within ${options.timeoutMs} ms`)
    }
    const line = stdout.trim().split('\n').filter(l => l.startsWith('{')).at(-1)
    if (code !== 0 || line == null) {
      const last = stderr.trim().split('\n').filter(l => /Error/.test(l)).at(0) ?? stderr.trim().split('\n').at(-1) ?? ''
      throw new ChildFailedError(`${options.script} exited with code ${code} (signal ${signal}): ${last}`)
    }
    return JSON.parse(line) as T
  } finally {
    clearTimeout(timer)
  }
}
