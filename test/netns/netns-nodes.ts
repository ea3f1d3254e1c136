// Drives test/fixtures/netns-node.ts processes inside network namespaces: reads their JSON lines, sends commands, ends them.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { SECOND } from '../../src/config/units.ts'
import type { ActorRef, FoundationInit, Member, MemberStatus } from '../../src/index.ts'
import type { ChildProcess } from 'node:child_process'

const SCRIPT = new URL('../fixtures/netns-node.ts', import.meta.url).pathname
/** ms a node process may take to start (it compiles the library on the way) */
const READY_TIMEOUT = 30 * SECOND
/** ms a command may take to be answered */
const REPLY_TIMEOUT = 5 * SECOND
/** ms a registration or lookup may take: a member's acknowledgement (the call timeout), with room to spare */
const REGISTER_TIMEOUT = 15 * SECOND
/** ms a graceful stop may take before the process is killed */
const STOP_TIMEOUT = 5 * SECOND
/** lines of stderr kept to explain a failure */
const STDERR_LINES = 20

export type MemberView = Pick<Member, 'id' | 'name' | 'status' | 'addresses'>

export interface NodeMessage {
  event?: string
  reply?: string
  member?: MemberView
  members?: MemberView[]
  [key: string]: unknown
}

interface Waiter {
  match(message: NodeMessage): boolean
  resolve(message: NodeMessage): void
}

export class NetnsNode {
  readonly namespace: string
  readonly name: string
  readonly process: ChildProcess
  /** every line the node printed, in order */
  readonly messages: NodeMessage[] = []
  id = ''
  private readonly stderr: string[] = []
  private readonly waiters = new Set<Waiter>()
  private readonly exited: Promise<void>

  private constructor (namespace: string, name: string, init: FoundationInit) {
    this.namespace = namespace
    this.name = name
    this.process = spawn('ip', ['netns', 'exec', namespace, process.execPath, SCRIPT, JSON.stringify({ ...init, name })], {
      stdio: ['pipe', 'pipe', 'pipe']
    })
    this.exited = once(this.process, 'exit').then(() => {})
    createInterface({ input: this.process.stdout! }).on('line', (line) => { this.receive(line) })
    createInterface({ input: this.process.stderr! }).on('line', (line) => {
      this.stderr.push(line)
      if (this.stderr.length > STDERR_LINES) { this.stderr.shift() }
    })
  }

  /** Starts a node in `namespace` and waits until it is ready; kills it if it never gets there. */
  static async start (namespace: string, name: string, init: FoundationInit): Promise<NetnsNode> {
    const node = new NetnsNode(namespace, name, init)
    try {
      const ready = await node.next(m => m.event === 'ready', 'ready', READY_TIMEOUT)
      node.id = ready.id as string
    } catch (err) {
      await node.kill()
      throw err
    }
    return node
  }

  private receive (line: string): void {
    if (!line.startsWith('{')) { return }
    const message = JSON.parse(line) as NodeMessage
    this.messages.push(message)
    for (const waiter of this.waiters) {
      if (waiter.match(message)) {
        this.waiters.delete(waiter)
        waiter.resolve(message)
      }
    }
  }

  /** The next message that matches, failing if the process exits or the time runs out first. */
  async next (match: (message: NodeMessage) => boolean, description: string, timeout: number): Promise<NodeMessage> {
    let waiter: Waiter | undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      return await Promise.race([
        new Promise<NodeMessage>(resolve => {
          waiter = { match, resolve }
          this.waiters.add(waiter)
        }),
        this.exited.then(() => { throw this.failure(`exited (${this.process.exitCode ?? this.process.signalCode}) before ${description}`) }),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => { reject(this.failure(`sent no ${description} within ${timeout} ms`)) }, timeout)
        })
      ])
    } finally {
      clearTimeout(timer)
      if (waiter != null) { this.waiters.delete(waiter) }
    }
  }

  private failure (what: string): Error {
    const stderr = this.stderr.length > 0 ? `; its stderr ends with:\n${this.stderr.join('\n')}` : ''
    return new Error(`node ${this.name} in ${this.namespace} ${what}${stderr}`)
  }

  private async request (command: string, timeout = REPLY_TIMEOUT): Promise<NodeMessage> {
    const reply = this.next(m => m.reply === command || m.reply === 'error', `reply to "${command}"`, timeout)
    this.process.stdin!.write(command + '\n')
    const message = await reply
    if (message.reply === 'error') { throw this.failure(`refused "${command}": ${String(message.error)}`) }
    return message
  }

  /** Every member the node knows, itself included, whatever its status. */
  async members (): Promise<MemberView[]> {
    return (await this.request('members')).members ?? []
  }

  /** Member ids by status, as this node sees them. */
  async view (): Promise<Record<MemberStatus, string[]>> {
    const view: Record<MemberStatus, string[]> = { alive: [], suspect: [], dead: [], left: [] }
    for (const member of await this.members()) { view[member.status].push(member.id) }
    return view
  }

  /**
   * Spawns an actor registered under `name` on this node; its ref. A registration waits for the members this node
   * counts to acknowledge it, at most the call timeout for one cut off but not yet declared dead.
   */
  async spawn (name: string): Promise<ActorRef> {
    return (await this.request(`spawn ${name}`, REGISTER_TIMEOUT)).ref as ActorRef
  }

  /** What the node resolves `name` to, or null. */
  async lookup (name: string): Promise<ActorRef | null> {
    return (await this.request(`lookup ${name}`, REGISTER_TIMEOUT)).ref as ActorRef | null
  }

  async info (): Promise<Record<string, any>> {
    return (await this.request('info')).info as Record<string, any>
  }

  /** Stops gracefully, or kills after STOP_TIMEOUT. */
  async stop (): Promise<void> {
    if (!this.running()) { return }
    this.process.stdin!.end('stop\n')
    const timer = setTimeout(() => { this.process.kill('SIGKILL') }, STOP_TIMEOUT)
    await this.exited
    clearTimeout(timer)
  }

  async kill (): Promise<void> {
    if (!this.running()) { return }
    this.process.kill('SIGKILL')
    await this.exited
  }

  private running (): boolean {
    return this.process.exitCode == null && this.process.signalCode == null
  }
}

/** Polls until `condition` holds, or fails with the description and what `explain` says of the last state. */
export async function eventually (condition: () => Promise<boolean>, description: string, timeout: number, explain?: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeout
  while (Date.now() < deadline) {
    if (await condition()) { return }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  const state = explain != null ? `: ${await explain()}` : ''
  throw new Error(`timed out after ${timeout} ms waiting until ${description}${state}`)
}

/** What each node sees, for failure messages: name → status → member names. */
export async function describeViews (nodes: NetnsNode[]): Promise<string> {
  const names = new Map(nodes.map(n => [n.id, n.name]))
  const views = await Promise.all(nodes.map(async (node) => {
    try {
      const members = await node.members()
      return `${node.name} sees ${members.map(m => `${names.get(m.id) ?? m.id}=${m.status}`).join(' ')}`
    } catch (err: any) {
      return `${node.name}: ${err.message}`
    }
  }))
  return views.join('; ')
}
