// Runs the demo (`npm start`) for real, as a separate process, and checks what it prints and how it ends.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { expect } from 'aegir/chai'
import type { ChildProcess } from 'node:child_process'

const NODES = ['node-1', 'node-2', 'node-3']

/** the repository root: the nearest folder above this file that holds the demo */
function repoRoot (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'examples', 'demo', 'main.ts'))) {
    const parent = dirname(dir)
    if (parent === dir) { throw new Error('examples/demo/main.ts not found above the test') }
    dir = parent
  }
  return dir
}

interface Exit { code: number | null, signal: NodeJS.Signals | null }

class DemoRun {
  readonly process: ChildProcess
  readonly lines: string[] = []
  readonly exited: Promise<Exit>
  private readonly waiters = new Set<() => void>()

  constructor (args: string[]) {
    this.process = spawn(process.execPath, ['examples/demo/main.ts', ...args], {
      cwd: repoRoot(),
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const collect = (line: string): void => {
      this.lines.push(line)
      for (const waiter of this.waiters) { waiter() }
    }
    createInterface({ input: this.process.stdout! }).on('line', collect)
    createInterface({ input: this.process.stderr! }).on('line', (line) => { collect(`[stderr] ${line}`) })
    this.exited = new Promise((resolve) => {
      this.process.once('close', (code, signal) => {
        resolve({ code, signal })
        for (const waiter of this.waiters) { waiter() }
      })
    })
  }

  get output (): string {
    return this.lines.join('\n')
  }

  /** pids of the node processes, as the demo printed them */
  nodePids (): number[] {
    return this.lines.flatMap(line => {
      const match = /^demo: started node-\d+ \(pid (\d+)\)$/.exec(line)
      return match == null ? [] : [Number(match[1])]
    })
  }

  matching (pattern: RegExp): string[] {
    return this.lines.filter(line => pattern.test(line))
  }

  /** resolves once `done` holds for the output so far; rejects after `ms` or when the demo exits first */
  async until (what: string, done: () => boolean, ms: number): Promise<void> {
    let exited = false
    void this.exited.then(() => { exited = true })
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (done()) { finish(resolve) } else if (exited || this.process.exitCode != null) { finish(() => { reject(new Error(`the demo exited before ${what}:\n${this.output}`)) }) }
      }
      const timer = setTimeout(() => { finish(() => { reject(new Error(`no ${what} after ${ms} ms:\n${this.output}`)) }) }, ms)
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
  async exit (ms: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => { reject(new Error(`the demo did not exit within ${ms} ms:\n${this.output}`)) }, ms)
    })
    try {
      return await Promise.race([this.exited, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  /** kills whatever of this run is still alive, by pid: the demo and the nodes it started */
  kill (): void {
    for (const pid of [this.process.pid, ...this.nodePids()]) {
      if (pid != null && isAlive(pid)) {
        try { process.kill(pid, 'SIGKILL') } catch {}
      }
    }
  }
}

function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** every node reported a cluster of all three */
function everyNodeSawThree (run: DemoRun): boolean {
  return NODES.every(node => run.lines.includes(`${node}: cluster has 3 members: node-1, node-2, node-3`))
}

function expectNothingLeftBehind (run: DemoRun): void {
  const pids = run.nodePids()
  expect(pids, run.output).to.have.lengthOf(3)
  for (const pid of [run.process.pid!, ...pids]) {
    expect(isAlive(pid), `process ${pid} is still running\n${run.output}`).to.be.false()
  }
}

describe('demo (npm start)', function () {
  let run: DemoRun | undefined

  afterEach(function () {
    run?.kill()
    run = undefined
  })

  it('forms a cluster of 3, calls and publishes across nodes, and stops by itself after --duration', async function () {
    this.timeout(90_000)
    const demo = run = new DemoRun(['--duration', '8'])

    const { code, signal } = await demo.exit(75_000)
    expect({ code, signal }, demo.output).to.deep.equal({ code: 0, signal: null })

    expect(demo.matching(/^demo: all 3 nodes are up/), demo.output).to.have.lengthOf(1)
    expect(everyNodeSawThree(demo), `every node should report 3 members\n${demo.output}`).to.be.true()

    for (const node of NODES) {
      // a call to an actor of another node, with its answer and latency
      const calls = demo.matching(new RegExp(`^${node}: call greeter\\.(node-\\d) .* -> "hello ${node}, this is (node-\\d) \\(greeting #\\d+\\)" in [\\d.]+ ms$`))
        .filter(line => !line.includes(`greeter.${node} `))
      expect(calls, `${node} should get answers from the greeters of other nodes\n${demo.output}`).to.not.be.empty()

      // publications of the other nodes, delivered here
      const news = demo.matching(new RegExp(`^${node}: news from (node-\\d) on "news": `))
        .filter(line => !line.startsWith(`${node}: news from ${node} `))
      expect(news, `${node} should receive news from the other nodes\n${demo.output}`).to.not.be.empty()

      // sends (fire-and-forget) arrived at this node's counter from another node
      expect(demo.matching(new RegExp(`^${node}: counter\\.${node} got \\+1 from node-\\d`)), demo.output).to.not.be.empty()

      expect(demo.matching(new RegExp(`^${node}: info: nodes=\\d+ processes=\\d+ \\(here 2\\) messageRate=\\d+/s health=\\w+`)), demo.output).to.not.be.empty()
      expect(demo.lines, demo.output).to.include(`${node}: stopped`)
      expect(demo.matching(new RegExp(`^demo: ${node} \\(pid \\d+\\) exited with code 0$`)), demo.output).to.have.lengthOf(1)
    }
    expect(demo.lines, demo.output).to.include('demo: every node stopped cleanly')
    // nothing went wrong: stderr holds at most Node's warnings (such as those of flags a test runner set)
    const errors = demo.matching(/^\[stderr\]/).filter(line => !/Warning: |--trace-warnings/.test(line))
    expect(errors, demo.output).to.be.empty()
    expectNothingLeftBehind(demo)
  })

  it('stops cleanly on SIGINT: every node leaves the cluster, the demo exits 0', async function () {
    this.timeout(90_000)
    const demo = run = new DemoRun([])

    await demo.until('cluster of 3 on every node', () => everyNodeSawThree(demo), 45_000)
    demo.process.kill('SIGINT')

    const { code, signal } = await demo.exit(20_000)
    expect({ code, signal }, demo.output).to.deep.equal({ code: 0, signal: null })
    expect(demo.lines, demo.output).to.include('demo: stopping: got SIGINT')
    for (const node of NODES) {
      expect(demo.lines, demo.output).to.include(`${node}: leaving the cluster`)
      expect(demo.lines, demo.output).to.include(`${node}: stopped`)
    }
    expect(demo.lines, demo.output).to.include('demo: every node stopped cleanly')
    expectNothingLeftBehind(demo)
  })
})
