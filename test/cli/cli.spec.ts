// Calls the `foundation` command for real, as a child process, and checks what it prints and how it ends.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import { CliRun, isAlive } from './cli-process.ts'
import type { ClusterInfo } from '../../src/index.ts'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

const FORMED = /^foundation: dashboard http:\/\/127\.0\.0\.1:\d+\/$/

async function listen (server: Server): Promise<number> {
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  return (server.address() as AddressInfo).port
}

async function close (server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
}

function expectNothingLeftBehind (run: CliRun, nodes: number): void {
  const pids = run.nodePids()
  expect(pids.length, run.output).to.be.at.least(nodes)
  for (const pid of [run.process.pid!, ...pids]) {
    expect(isAlive(pid), `process ${pid} is still running\n${run.output}`).to.be.false()
  }
}

/** A cluster-wide counter that moves with its count; each node adds 1 once it runs and prints the count. */
const COUNTER_APP = `
const VERSION = 'v1'
const sleep = (ms) => new Promise(resolve => setTimeout(resolve, ms))

class Counter {
  total = 0
  receive (message) { this.total += message.add ?? 0; return this.total }
  handoff () { return this.total }
  resume (state) { this.total = state }
}

export default async function (cluster, { index, restart, signal }) {
  cluster.define(Counter)
  console.log(\`\${VERSION} started\`)
  void (async () => {
    if (index === 1 && restart === 0) { await cluster.spawn(Counter, { name: 'counter', distribute: true }) }
    for (let i = 0; i < 150 && !signal.aborted; i++) {
      try {
        console.log(\`\${VERSION} counter \${await cluster.call('counter', { add: 1 }, { timeout: 2000 })}\`)
        return
      } catch { await sleep(200) }
    }
  })().catch((err) => { console.log(\`\${VERSION} failed: \${err.message}\`) })
}
`

describe('foundation (command line)', function () {
  const runs: CliRun[] = []
  const servers: Server[] = []
  const nodes = new TestNodes()
  let dir: string | undefined

  const cli = (args: string[]): CliRun => {
    const run = new CliRun(args)
    runs.push(run)
    return run
  }

  afterEach(async function () {
    await Promise.all(runs.splice(0).map(async run => { await run.kill() }))
    await Promise.all(servers.splice(0).map(close))
    await nodes.stopAll()
    if (dir != null) { await rm(dir, { recursive: true, force: true }) }
    dir = undefined
  })

  it('dev --nodes 3 shows progress while it forms and each node\'s URL; status prints a node\'s view; SIGTERM stops every node', async function () {
    this.timeout(150_000)
    const dev = cli(['dev', '--nodes', '3'])
    await dev.line(FORMED, 90_000)

    // off a terminal the progress is one line per change, from none joined to all
    const progress = dev.matching(/^forming: /)
    expect(progress[0], dev.output).to.equal('forming: 0/3 nodes joined')
    expect(progress.at(-1), dev.output).to.equal('forming: 3/3 nodes joined')
    expect(progress.every(line => /^forming: [0-3]\/3 nodes joined$/.test(line)), dev.output).to.be.true()
    expect(dev.matching(/^foundation: cluster "foundation-dev-[0-9a-f]+" formed: 3 nodes$/), dev.output).to.have.lengthOf(1)

    const urls = dev.urls()
    expect([...urls.keys()].sort(), dev.output).to.deep.equal(['node-1', 'node-2', 'node-3'])
    expect(new Set(urls.values()).size, dev.output).to.equal(3)
    const info = await (await fetch(`${urls.get('node-2')}/cluster`)).json() as ClusterInfo
    expect(info.nodes, JSON.stringify(info)).to.equal(3)
    expect(info.name).to.equal('node-2')

    // status, given host:port
    const status = cli(['status', urls.get('node-3')!.replace('http://', '')])
    expect(await status.exitWithin(20_000), status.output).to.deep.equal({ code: 0, signal: null })
    expect(status.matching(/^cluster {4}foundation-dev-[0-9a-f]+: 3 nodes, \w+, found by mdns, full-mesh$/), status.output).to.have.lengthOf(1)
    expect(status.matching(/^this node {2}node-3 \(\w+\), up \d+s, http:\/\/127\.0\.0\.1:\d+$/), status.output).to.have.lengthOf(1)
    for (const node of ['node-1', 'node-2', 'node-3']) {
      expect(status.matching(new RegExp(`^ {2}${node}( \\*)? +alive +`)), status.output).to.have.lengthOf(1)
    }
    expect(status.errors, status.output).to.be.empty()

    // status --json, given a URL: the node's /cluster as it is
    const json = cli(['status', `${urls.get('node-1')}/`, '--json'])
    expect(await json.exitWithin(20_000), json.output).to.deep.equal({ code: 0, signal: null })
    const raw = JSON.parse(json.stdout.join('\n')) as ClusterInfo
    expect(raw.name).to.equal('node-1')
    expect(raw.members.map(m => m.name).sort()).to.deep.equal(['node-1', 'node-2', 'node-3'])

    const { code, signal } = await dev.stop('SIGTERM', 60_000)
    expect({ code, signal }, dev.output).to.deep.equal({ code: 0, signal: null })
    expect(dev.stdout, dev.output).to.include('foundation: stopping (SIGTERM)')
    expect(dev.matching(/^foundation: node-\d \(pid \d+\) exited with code 0$/), dev.output).to.have.lengthOf(3)
    expect(dev.stdout, dev.output).to.include('foundation: every node stopped cleanly')
    expect(dev.errors, dev.output).to.be.empty()
    expectNothingLeftBehind(dev, 3)
  })

  it('dev --watch restarts the nodes one at a time on a change, and a distributed actor keeps its state', async function () {
    this.timeout(180_000)
    dir = await mkdtemp(join(tmpdir(), 'foundation-cli-'))
    const app = join(dir, 'app.mjs')
    await writeFile(app, COUNTER_APP)
    const dev = cli(['dev', '--nodes', '3', '--watch', app])
    await dev.line(FORMED, 90_000)
    await dev.line(/^foundation: watching /, 10_000)
    await dev.until('each node counting once', () => dev.matching(/^node-\d: v1 counter \d+$/).length === 3, 60_000)
    const before = dev.stdout.length

    await writeFile(app, (await readFile(app, 'utf8')).replace("const VERSION = 'v1'", "const VERSION = 'v2'"))
    await dev.line(/^foundation: every node runs the new code$/, 150_000)
    await dev.until('each restarted node counting once', () => dev.matching(/^node-\d: v2 counter \d+$/).length === 3, 60_000)

    // one node after the other: each is back (joined) before the next one is restarted
    const steps = dev.stdout.slice(before).filter(line => /^foundation: (restarting node-\d|node-\d is back)/.test(line))
      .map(line => line.replace(/^foundation: (restarting node-\d|node-\d is back).*$/, '$1'))
    expect(steps, dev.output).to.deep.equal([
      'restarting node-1', 'node-1 is back', 'restarting node-2', 'node-2 is back', 'restarting node-3', 'node-3 is back'
    ])
    // every node ran the new code once, in a new process
    for (const node of ['node-1', 'node-2', 'node-3']) {
      expect(dev.matching(new RegExp(`^${node}: v2 started$`)), dev.output).to.have.lengthOf(1)
      expect(dev.matching(new RegExp(`^foundation: ${node} starts with the new code \\(pid \\d+\\)$`)), dev.output).to.have.lengthOf(1)
    }
    // the count went on from where it was: it moved with the counter each time its node stopped
    const counts = (version: string): number[] => dev.matching(new RegExp(`^node-\\d: ${version} counter \\d+$`)).map(line => Number(line.split(' ').at(-1)))
    expect(Math.min(...counts('v2')), dev.output).to.be.above(Math.max(...counts('v1')))

    const { code } = await dev.stop('SIGTERM', 60_000)
    expect(code, dev.output).to.equal(0)
    expect(dev.errors, dev.output).to.be.empty()
    expectNothingLeftBehind(dev, 6)
  })

  it('status lists the map-reduce jobs running in the cluster, with their chunks, from any node', async function () {
    this.timeout(60_000)
    const [a, b] = await nodes.startMany(2, { clusterName: uniqueCluster('cli') })
    await formed([a, b])
    let release!: () => void
    const held = new Promise<void>(resolve => { release = resolve })
    for (const node of [a, b]) { node.task('held', async (items: number[]) => { await held; return items.length }) }
    // b coordinates the job; a is asked
    const running = b.mapReduce(Array.from({ length: 30 }, (_, i) => i), 'held', (sum: number, n: number) => sum + n, { initial: 0, chunkSize: 10 })
    try {
      await eventually(() => b.compute.jobs()[0]?.inFlight === 3 && b.compute.jobs()[0]?.workers === 2, 'every chunk is sent')
      const id = b.compute.jobs()[0].job
      const status = cli(['status', a.info().http!])
      expect(await status.exitWithin(20_000), status.output).to.deep.equal({ code: 0, signal: null })
      expect(status.matching(/^jobs /), status.output).to.deep.equal(['jobs       1 running'])
      expect(status.matching(/^ {2}job /), status.output).to.deep.equal([`  job ${id} held 0/3 chunks, 3 in flight, 0 retried, 2 workers (running)`])
      expect(status.errors, status.output).to.be.empty()
    } finally {
      release()
    }
    expect(await running).to.equal(30)

    // a job that ended is not listed
    const after = cli(['status', b.info().http!])
    expect(await after.exitWithin(20_000), after.output).to.deep.equal({ code: 0, signal: null })
    expect(after.matching(/^jobs /), after.output).to.deep.equal(['jobs       none running'])
    expect(after.matching(/^ {2}job /), after.output).to.be.empty()
  })

  it('status of a closed port or of something else than a node: one line on stderr, exit 1', async function () {
    this.timeout(30_000)
    const closed = createServer()
    const port = await listen(closed)
    await close(closed)
    const unreachable = cli(['status', `127.0.0.1:${port}`])
    expect((await unreachable.exitWithin(20_000)).code, unreachable.output).to.equal(1)
    expect(unreachable.errors, unreachable.output).to.have.lengthOf(1)
    expect(unreachable.errors[0]).to.match(new RegExp(`^foundation: cannot reach http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)$`))
    expect(unreachable.stdout).to.be.empty()

    const other = createServer((_request, response) => { response.end('hello') })
    servers.push(other)
    const otherPort = await listen(other)
    const notANode = cli(['status', `http://127.0.0.1:${otherPort}`])
    expect((await notANode.exitWithin(20_000)).code, notANode.output).to.equal(1)
    expect(notANode.errors, notANode.output).to.deep.equal([`foundation: cannot reach a Foundation node at http://127.0.0.1:${otherPort} (GET /cluster answered 200 with no cluster view)`])
  })

  it('a wrong flag, argument or command: one line on stderr, no help page, exit 2', async function () {
    this.timeout(60_000)
    const cases: Array<[string[], RegExp]> = [
      [['dev', '--nodx', '3'], /^foundation: unknown option '--nodx'/],
      [['dev', '--nodes', 'many'], /^foundation: option '-n, --nodes <count>' argument 'many' is invalid\. a whole number from 1 to 32$/],
      [['dev', 'no-such-app.ts'], /^foundation: no application module at no-such-app\.ts$/],
      [['status'], /^foundation: missing required argument 'addr'$/],
      [['status', 'http://'], /^foundation: "http:\/\/" is not a node address/],
      [['launch'], /^foundation: unknown command "launch"/],
      [[], /^foundation: a command is needed: dev, status or bench/],
      [['bench', 'no-such-suite'], /^foundation: unknown benchmark "no-such-suite"; one of: send, /]
    ]
    for (const [args, message] of cases) {
      const run = cli(args)
      const { code } = await run.exitWithin(20_000)
      expect(code, run.output).to.equal(2)
      expect(run.errors, run.output).to.have.lengthOf(1)
      expect(run.errors[0], run.output).to.match(message)
      expect(run.stdout, run.output).to.be.empty()
    }
  })

  it('bench --list lists the suites', async function () {
    this.timeout(30_000)
    const run = cli(['bench', '--list'])
    expect(await run.exitWithin(20_000), run.output).to.deep.equal({ code: 0, signal: null })
    expect(run.stdout, run.output).to.include.members(['send', 'call', 'pubsub', 'formation', 'failover', 'handoff'])
    expect(run.errors, run.output).to.be.empty()
  })
})
