// Runs the benchmarks: `node benchmarks/run.ts` runs every suite, each in a child process of its own so that
// one suite's leftovers cannot slow the next; `node benchmarks/run.ts NAME` runs one suite in this process;
// `--list` prints the suites' names.
// Each suite writes benchmarks/results/NAME.json; a full run also rewrites benchmarks/results/README.md.
/* eslint-disable no-console */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeResult } from './lib/result.ts'
import { writeReadme } from './report.ts'
import type { BenchResult } from './lib/result.ts'

export const SUITES = ['send', 'call', 'pubsub', 'signatures', 'browser', 'soak', 'formation', 'actor-memory', 'failover', 'handoff', 'idle', 'scale', 'registry', 'overlay', 'partial-view', 'client-server', 'topology-switch', 'cache', 'cache-scale', 'balancer', 'map-reduce', 'cross-cluster', 'compression', 'channels'] as const

/** A suite taking longer than this is killed. */
const SUITE_TIMEOUT_MS = 120_000
/**
 * suites that set up clusters of processes and thousands of actors per run, given longer; scale forms twelve
 * clusters of up to 100 nodes and leaves each idle for a minute; registry gives each of its figures a budget of up
 * to two minutes, and reports a figure that overruns it as not measured; overlay simulates 10,000 nodes over 20 seeds
 * and a crash sweep of 30 fresh overlays, client-server 10,000 nodes over 3 seeds; partial-view forms five clusters of up to 200 nodes; topology-switch
 * simulates an hour of 5,000 members and a dozen hours of hundreds; cache runs about a minute, and each of its parts
 * has a budget of minutes
 * (cache-scale: clusters of 5 to 50 nodes in one process, no new size started after 11 minutes of its 15); balancer
 * runs about four minutes (a 5-node cluster through 32 measured runs, then clusters of 5 and 25 nodes), each of its
 * steps with a budget, no cluster started after 6 minutes of its 10; map-reduce runs about seven minutes (five jobs of
 * 100,000 items of 1 ms on 2 cores, then clusters of up to 26 nodes in one process), each part with a budget, no part
 * started after 11 minutes of its 15; channels runs about four minutes (two nodes saturating a channel on two links,
 * then clusters of 3 and 25 nodes), no cluster started after 4 minutes of its 10
 */
const LONG_SUITE_TIMEOUT_MS: Partial<Record<typeof SUITES[number], number>> = { failover: 240_000, handoff: 240_000, scale: 2_700_000, registry: 600_000, overlay: 2_700_000, 'partial-view': 2_400_000, 'client-server': 600_000, 'topology-switch': 2_400_000, soak: 2_400_000, cache: 600_000, 'cache-scale': 900_000, balancer: 600_000, 'map-reduce': 900_000, channels: 600_000 }

interface SuiteModule {
  run(): Promise<BenchResult>
}

function isSuite (name: string): name is typeof SUITES[number] {
  return (SUITES as readonly string[]).includes(name)
}

async function runOne (name: string): Promise<void> {
  const mod = await import(`./suites/${name}.ts`) as SuiteModule
  const started = performance.now()
  const result = await mod.run()
  const file = await writeResult(result)
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(`\n${result.name} (${seconds} s) -> ${path.relative(process.cwd(), file)}`)
  for (const r of result.results) {
    console.log(`  ${r.subject.padEnd(36)} ${String(r.value).padStart(10)} ${result.unit}`)
  }
  console.log(`  ratio ${result.ratioOf}: ${result.ratio ?? 'n/a'} (target ${result.target}${result.met == null ? '' : result.met ? ', met' : ', NOT met'})`)
  for (const note of result.notes.filter(n => n.includes('not measured') || n.includes('did not form'))) {
    console.log(`  ! ${note}`)
  }

  // everything a suite opens it must close: if handles keep the process alive, say which and leave anyway
  setTimeout(() => {
    console.error(`${name}: handles still open after the suite: ${process.getActiveResourcesInfo().join(', ')}`)
    process.exit(3)
  }, 5000).unref()
}

async function runAll (): Promise<number> {
  const self = fileURLToPath(import.meta.url)
  let failed = 0
  for (const name of SUITES) {
    const child = spawn(process.execPath, [self, name], { stdio: 'inherit' })
    const limit = LONG_SUITE_TIMEOUT_MS[name] ?? SUITE_TIMEOUT_MS
    const timer = setTimeout(() => {
      console.error(`${name}: over ${limit / 1000} s, killing pid ${child.pid}`)
      if (child.pid != null) { process.kill(child.pid, 'SIGKILL') }
    }, limit)
    const [code] = await once(child, 'exit') as [number | null]
    clearTimeout(timer)
    if (code !== 0) {
      failed++
      console.error(`${name}: exited with code ${code}`)
    }
  }
  const readme = await writeReadme()
  console.log(`\nsummary -> ${path.relative(process.cwd(), readme)}`)
  return failed
}

const name = process.argv[2]
if (name === '--list') {
  console.log(SUITES.join('\n'))
} else if (name == null) {
  process.exitCode = (await runAll()) > 0 ? 1 : 0
} else if (isSuite(name)) {
  await runOne(name)
} else {
  console.error(`unknown benchmark "${name}"; one of: ${SUITES.join(', ')}`)
  process.exitCode = 2
}
