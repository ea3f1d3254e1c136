// One node process of `foundation dev`, as the launcher sees it: started, what it reported, how it ended.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { nodeMessage } from './messages.ts'
import { compileCacheEnv, devNodeScript } from './node-script.ts'
import type { StopMessage } from './messages.ts'
import type { Output } from '../output.ts'
import type { ChildProcess } from 'node:child_process'

export interface NodeSpec {
  name: string
  index: number
  nodes: number
  cluster: string
  restart: number
  /** the application module, an absolute path; none runs the built-in demo */
  app?: string
}

export interface Exit { code: number | null, signal: NodeJS.Signals | null }

export class NodeHandle {
  readonly spec: NodeSpec
  readonly pid: number
  /** resolves once the process has exited and its output is read */
  readonly closed: Promise<Exit>
  id?: string
  http?: string
  /** active members it sees, itself included */
  members = 0
  started = false
  /** why it could not start, as it said */
  failure?: string
  exit?: Exit
  killed = false
  private readonly process: ChildProcess

  /** `onChange` runs after anything about the node changed: a report, an exit */
  constructor (spec: NodeSpec, output: Output, onChange: (node: NodeHandle) => void) {
    this.spec = spec
    const args = ['--name', spec.name, '--cluster', spec.cluster, '--index', String(spec.index), '--nodes', String(spec.nodes), '--restart', String(spec.restart)]
    if (spec.app != null) { args.push('--app', spec.app) }
    // a debugger flag would make every node ask for the same port
    const execArgv = process.execArgv.filter(flag => !flag.startsWith('--inspect'))
    this.process = spawn(process.execPath, [...execArgv, devNodeScript(spec.app), ...args], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: compileCacheEnv() })
    if (this.process.pid == null) { throw new Error(`could not start ${spec.name}`) }
    this.pid = this.process.pid
    // whole lines only, named by node, so the output of the nodes never interleaves mid-line
    createInterface({ input: this.process.stdout! }).on('line', (line) => { output.line(`${spec.name}: ${line}`) })
    createInterface({ input: this.process.stderr! }).on('line', (line) => { output.error(`${spec.name}: ${line}`) })
    this.process.on('message', (raw) => {
      try {
        const message = nodeMessage(raw)
        if (message.type === 'started') {
          this.started = true
          this.id = message.id
          this.http = message.http
        } else if (message.type === 'members') {
          this.members = message.count
        } else {
          this.failure = message.error
        }
      } catch (err) {
        output.error(`foundation: ${spec.name}: ${(err as Error).message}`)
        return
      }
      onChange(this)
    })
    this.process.on('error', (err) => { output.error(`foundation: ${spec.name}: ${err.message}`) })
    this.closed = new Promise((resolve) => {
      this.process.once('close', (code, signal) => {
        this.exit = { code, signal }
        resolve(this.exit)
        onChange(this)
      })
    })
  }

  /** joined: started, and sees `count` active members */
  sees (count: number): boolean {
    return this.started && this.exit == null && this.members === count
  }

  /** Asks it to leave the cluster gracefully; kills it if it has not exited after `timeoutMs`. */
  async stop (timeoutMs: number): Promise<Exit> {
    if (this.exit == null && this.process.connected) {
      // the channel may close between the check and the send: the timer below covers that
      this.process.send({ type: 'stop' } satisfies StopMessage, (err) => { if (err != null) { this.kill() } })
    }
    const timer = setTimeout(() => { this.kill() }, timeoutMs)
    try {
      return await this.closed
    } finally {
      clearTimeout(timer)
    }
  }

  kill (): void {
    if (this.exit != null) { return }
    this.killed = true
    try {
      process.kill(this.pid, 'SIGKILL')
    } catch {
      // it exited meanwhile
    }
  }

  describeExit (): string {
    if (this.killed) { return 'was killed' }
    if (this.exit?.signal != null) { return `ended by ${this.exit.signal}` }
    return `exited with code ${this.exit?.code}`
  }
}
