// Runs the demo (`npm run demo`) for real, as a separate process, and checks what it prints and how it ends.
import { expect } from 'aegir/chai'
import { ScriptProcess } from '../fixtures/script-process.ts'

const NODES = ['node-1', 'node-2', 'node-3']

/** The demo, whose node processes are its own children: they are found by the pids it prints. */
class DemoRun extends ScriptProcess {
  constructor (args: string[]) {
    super('the demo', 'examples/demo/main.ts', { args })
  }

  matching (pattern: RegExp): string[] {
    return this.stdout.filter(line => pattern.test(line))
  }

  /** pids of the node processes, as the demo printed them */
  nodePids (): number[] {
    return this.stdout.flatMap(line => {
      const match = /^demo: started node-\d+ \(pid (\d+)\)$/.exec(line)
      return match == null ? [] : [Number(match[1])]
    })
  }

  /** kills whatever of this run is still alive, by pid: the demo and the nodes it started */
  override async kill (): Promise<void> {
    for (const pid of this.nodePids()) {
      if (isAlive(pid)) {
        try { process.kill(pid, 'SIGKILL') } catch {}
      }
    }
    await super.kill()
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
  return NODES.every(node => run.stdout.includes(`${node}: cluster has 3 members: node-1, node-2, node-3`))
}

function expectNothingLeftBehind (run: DemoRun): void {
  const pids = run.nodePids()
  expect(pids, run.output).to.have.lengthOf(3)
  for (const pid of [run.process.pid!, ...pids]) {
    expect(isAlive(pid), `process ${pid} is still running\n${run.output}`).to.be.false()
  }
}

describe('demo (npm run demo)', function () {
  let run: DemoRun | undefined

  afterEach(async function () {
    await run?.kill()
    run = undefined
  })

  it('forms a cluster of 3, calls and publishes across nodes, and stops by itself after --duration', async function () {
    this.timeout(90_000)
    const demo = run = new DemoRun(['--duration', '8'])

    const { code, signal } = await demo.exitWithin(75_000)
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

      // its counter and greeter, and the distributed tally when it runs here
      expect(demo.matching(new RegExp(`^${node}: info: nodes=\\d+ processes=\\d+ \\(here [23]\\) messageRate=\\d+/s health=\\w+`)), demo.output).to.not.be.empty()
      expect(demo.stdout, demo.output).to.include(`${node}: stopped`)
      expect(demo.matching(new RegExp(`^demo: ${node} \\(pid \\d+\\) exited with code 0$`)), demo.output).to.have.lengthOf(1)
    }
    // one node started the distributed tally, and the nodes read it wherever it ran
    expect(demo.matching(/^node-\d: started the distributed tally on node-\d$/), demo.output).to.have.lengthOf(1)
    expect(demo.matching(/^node-\d: call tally \{"type":"get"\} -> \d+ in [\d.]+ ms$/), demo.output).to.not.be.empty()
    expect(demo.stdout, demo.output).to.include('demo: every node stopped cleanly')
    // nothing went wrong: stderr holds at most Node's warnings (such as those of flags a test runner set)
    expect(demo.errors, demo.output).to.be.empty()
    expectNothingLeftBehind(demo)
  })

  it('stops cleanly on SIGINT: every node leaves the cluster, the demo exits 0', async function () {
    this.timeout(90_000)
    const demo = run = new DemoRun([])

    await demo.until('cluster of 3 on every node', () => everyNodeSawThree(demo), 45_000)
    demo.process.kill('SIGINT')

    const { code, signal } = await demo.exitWithin(20_000)
    expect({ code, signal }, demo.output).to.deep.equal({ code: 0, signal: null })
    expect(demo.stdout, demo.output).to.include('demo: stopping: got SIGINT')
    for (const node of NODES) {
      expect(demo.stdout, demo.output).to.include(`${node}: leaving the cluster`)
      expect(demo.stdout, demo.output).to.include(`${node}: stopped`)
    }
    expect(demo.stdout, demo.output).to.include('demo: every node stopped cleanly')
    expectNothingLeftBehind(demo)
  })
})
