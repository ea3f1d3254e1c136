// Ten node processes with the default membership settings on a machine in trouble: a saturated CPU and a blocked
// event loop make healthy members late, never dead; a process that was killed is still declared dead.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { expect } from 'aegir/chai'
import { startProcessCluster } from '../../benchmarks/lib/process-cluster.ts'
import type { ProcessCluster } from '../../benchmarks/lib/process-cluster.ts'
import type { ChildProcess } from 'node:child_process'

const NODES = 10
const NODE_SCRIPT = new URL('../../benchmarks/distributed/node.ts', import.meta.url).pathname
/** over twice the default suspicion timeout (5 s): long enough that a probe missed under load would turn into a death */
const BURN_MS = 12_000
/** a node blocked for this long is late beyond every probe timeout, and still alive */
const BLOCK_MS = 3000
/** blocks tried before a suspicion must have been seen */
const BLOCKS = 3

interface Verdict { type: string, id: string, status: string, at: number }

/** A process that keeps one core busy for `ms`, then exits on its own. */
function cpuBurner (ms: number): ChildProcess {
  return spawn(process.execPath, ['-e', `const end = Date.now() + ${ms}; while (Date.now() < end) {}`], { stdio: 'ignore' })
}

async function ended (child: ChildProcess): Promise<void> {
  if (child.exitCode != null || child.signalCode != null) { return }
  await once(child, 'exit')
}

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

describe('cluster/slow machine', function () {
  this.timeout(240_000)
  let cluster: ProcessCluster
  const burners: ChildProcess[] = []

  /** Every verdict each live node reached since `since` (wall-clock ms), with the observer's index. */
  async function verdictsSince (since: number): Promise<Array<Verdict & { by: number }>> {
    const all = await Promise.all(cluster.nodes.filter(n => n.alive).map(async n => {
      const list = await n.request<Verdict[]>('verdicts')
      return list.filter(v => v.at >= since).map(v => ({ ...v, by: n.index }))
    }))
    return all.flat()
  }

  async function statusesOf (id: string): Promise<string[]> {
    return Promise.all(cluster.nodes.filter(n => n.alive).map(async n => (await n.request<Record<string, string>>('statuses'))[id]))
  }

  async function eventually (check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms
    while (!await check()) {
      if (Date.now() > deadline) { throw new Error(`not within ${ms} ms: ${what}`) }
      await sleep(200)
    }
  }

  before(async () => {
    // the defaults: no membership settings at all
    cluster = await startProcessCluster({ nodes: NODES, script: NODE_SCRIPT, clusterPrefix: 'slow-machine', membership: {}, timeoutMs: 60_000 })
  })

  after(async () => {
    for (const burner of burners) { burner.kill('SIGKILL') }
    await Promise.all(burners.map(ended))
    await cluster?.close()
  })

  it('a CPU saturated by two busy processes for 12 s gets no healthy member declared dead', async () => {
    const since = Date.now()
    burners.push(cpuBurner(BURN_MS), cpuBurner(BURN_MS))
    await Promise.all(burners.map(ended))
    // suspicions opened at the end of the burn run out meanwhile
    await sleep(8000)
    const verdicts = await verdictsSince(since)
    expect(verdicts.filter(v => v.type === 'member:leave'), 'members declared dead').to.deep.equal([])
    for (const id of cluster.ids) { expect(await statusesOf(id)).to.deep.equal(Array(NODES).fill('alive')) }
  })

  it('a node whose event loop is blocked for 3 s is suspected, refutes, and is never declared dead', async () => {
    const blocked = cluster.nodes[3]
    const id = cluster.ids[3]
    // after the burn, nodes still doubting themselves probe slowly with long timeouts, and may miss a 3 s block
    await eventually(async () => (await Promise.all(cluster.nodes.filter(n => n.alive).map(async n => n.request<number>('localHealth')))).every(h => h === 0),
      60_000, 'every node meets its own deadlines again')
    const since = Date.now()
    // a member is probed by each of the 9 others about once in 9 s: in about one block in twenty none of them
    // happens to probe it while it is blocked, so it is blocked again (at most BLOCKS times) until one does
    for (let block = 0; block < BLOCKS; block++) {
      await blocked.request('block', { ms: BLOCK_MS }, BLOCK_MS + 10_000)
      await eventually(async () => (await statusesOf(id)).every(s => s === 'alive'), 15_000, 'every node holds the blocked one alive again')
      if ((await verdictsSince(since)).some(v => v.type === 'member:suspect' && v.id === id)) { break }
    }
    await sleep(8000)
    const verdicts = await verdictsSince(since)
    expect(verdicts.filter(v => v.type === 'member:leave'), 'members declared dead').to.deep.equal([])
    expect(verdicts.filter(v => v.type === 'member:suspect' && v.id === id), 'suspicions of the blocked node').to.not.deep.equal([])
    expect(verdicts.filter(v => v.type === 'member:alive' && v.id === id), 'its refutations').to.not.deep.equal([])
  })

  it('a SIGKILLed node is declared dead by every other', async () => {
    const since = Date.now()
    const victim = cluster.nodes[5]
    const id = cluster.ids[5]
    victim.process.kill('SIGKILL')
    await victim.closed
    await eventually(async () => (await statusesOf(id)).every(s => s === 'dead'), 15_000, 'every survivor holds the killed node dead')
    const verdicts = await verdictsSince(since)
    const leaves = verdicts.filter(v => v.type === 'member:leave')
    expect(leaves.map(v => v.id)).to.deep.equal(Array(NODES - 1).fill(id))
  })
})
