// Map-reduce over a cluster: three nodes in this process, each with the role `ai` and a thread task `score`, score a
// synthetic dataset of 20,000 rows in chunks of 200. The job's progress shows in the terminal and on the first
// node's dashboard; the result is checked against a local run, then the nodes stop. `--stay` keeps them up, with
// the dashboard, until Ctrl-C.
/* eslint-disable no-console */
import { randomBytes } from 'node:crypto'
// in an application of your own: import { Foundation } from 'foundation-mesh'
import { Foundation } from '../../src/index.ts'
import scoreChunk from './score-worker.ts'
import type { ChunkScore, Row } from './score-worker.ts'
import type { ChunkInfo, Cluster, JobProgress } from '../../src/index.ts'

const ROWS = 20_000
const CHUNK_SIZE = 200
const CHUNKS = Math.ceil(ROWS / CHUNK_SIZE)
const NODES = 3
/** how long the three nodes may take to see each other */
const FORM_TIMEOUT_MS = 20_000
const stay = process.argv.includes('--stay')

/** The dataset: the same rows on every run, from a seeded generator (mulberry32). */
function dataset (rows: number, seed: number): Row[] {
  let state = seed
  const random = (): number => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
  return Array.from({ length: rows }, (_, id) => ({ id, features: Array.from({ length: 8 }, () => random() * 2 - 1) }))
}

async function formed (nodes: Cluster[]): Promise<void> {
  const deadline = Date.now() + FORM_TIMEOUT_MS
  while (!nodes.every(node => node.members().filter(m => m.status === 'alive').length === nodes.length)) {
    if (Date.now() > deadline) { throw new Error(`the ${nodes.length} nodes did not see each other within ${FORM_TIMEOUT_MS / 1000} s`) }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** The job's progress as one line: rewritten in place on a terminal, else printed at every tenth of the chunks. */
function progressLine (): (progress: JobProgress) => void {
  const tty = process.stdout.isTTY === true
  let tenths = -1
  return (p) => {
    const line = `score: ${p.done}/${CHUNKS} chunks (${Math.floor(100 * p.done / CHUNKS)} %), ${p.inFlight} in flight, ${p.workers} workers`
    if (tty) {
      process.stdout.write(`\r${line}\x1b[K${p.state === 'running' ? '' : '\n'}`)
    } else if (Math.floor(10 * p.done / CHUNKS) > tenths) {
      tenths = Math.floor(10 * p.done / CHUNKS)
      console.log(line)
    }
  }
}

const cluster = `map-reduce-${randomBytes(4).toString('hex')}`
const nodes: Cluster[] = []
try {
  for (let i = 1; i <= NODES; i++) {
    nodes.push(await Foundation.start({
      clusterName: cluster,
      name: `ai-${i}`,
      roles: ['ai'],
      listen: ['/ip4/127.0.0.1/tcp/0'],
      // the first node serves the dashboard; the job runs from it, so its Jobs panel shows it
      http: { enabled: i === 1 }
    }))
  }
  const [first, ...others] = nodes
  // mDNS would find them too; a dial says where to look at once
  await Promise.all(others.map(async node => { await node.connect(first.addresses()) }))
  await formed(nodes)
  console.log(`cluster "${cluster}": ${nodes.map(node => node.name).join(', ')}`)
  console.log(`dashboard: ${first.info().http}/`)

  // on every node that may run it: only the task's name and the chunks' rows travel, never code.
  // One thread each: the three nodes stand for three machines, and share this one's cores
  for (const node of nodes) { node.task('score', { module: new URL('./score-worker.ts', import.meta.url), threads: 1 }) }

  const rows = dataset(ROWS, 42)
  const chunksBy = new Map<string, number>()
  const started = performance.now()
  const total = await first.mapReduce(rows, 'score', (acc: ChunkScore, part: ChunkScore, chunk: ChunkInfo) => {
    chunksBy.set(chunk.node, (chunksBy.get(chunk.node) ?? 0) + 1)
    return { sum: acc.sum + part.sum, count: acc.count + part.count }
  }, { initial: { sum: 0, count: 0 }, roles: ['ai'], chunkSize: CHUNK_SIZE, onProgress: progressLine() })
  const seconds = (performance.now() - started) / 1000

  // the same rows scored here, one chunk after the other: integer points, so the sums must be equal
  const local = scoreChunk(rows)
  const matches = total.sum === local.sum && total.count === local.count
  console.log(`result ${matches ? 'matches' : 'DIFFERS FROM'} the local run: ${total.count} rows, score sum ${total.sum}${matches ? '' : ` (local ${local.count} rows, ${local.sum})`}`)
  console.log(`mean score ${(total.sum / total.count).toFixed(2)} in ${seconds.toFixed(1)} s`)
  console.log(`chunks per node: ${nodes.map(node => `${node.name} ${chunksBy.get(node.id) ?? 0}`).join(', ')}`)
  if (!matches) { process.exitCode = 1 }

  if (stay) {
    console.log('the nodes stay up: Ctrl-C to stop')
    await new Promise(resolve => { process.once('SIGINT', resolve).once('SIGTERM', resolve) })
  }
} catch (err: any) {
  console.error(`map-reduce failed: ${err.name}: ${err.message}`)
  process.exitCode = 1
} finally {
  await Promise.allSettled(nodes.map(async node => { await node.stop() }))
  console.log('stopped')
}
