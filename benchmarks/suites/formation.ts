// formation: 3 and 10 node processes on this machine, from spawn to every node seeing full membership, with zero
// configuration (discovery by mDNS). Baseline: bare libp2p nodes with mDNS that dial whatever they discover.
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundle } from '../../scripts/bundle.ts'
import { makeResult, round2 } from '../lib/result.ts'
import { formCluster } from '../lib/spawn.ts'
import { median } from '../lib/stats.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'
import type { FormationRun } from '../lib/spawn.ts'

const FORMATION_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'formation')
const SIZES = [3, 10]
/** The figure to reach: 10 node processes from spawn to full membership. */
const TARGET_10_NODES_MS = 3000
const TIMEOUT_MS = 15_000
/** runs per subject and size; the value is their median (one run on a shared 2-core machine is mostly noise) */
const RUNS = 3
/**
 * Node's module compile cache for the children, warmed by one unmeasured single-node run per subject: a process
 * spends most of its start compiling its ~600 modules, and a deployed service starts with a warm cache too.
 */
const COMPILE_CACHE = path.join(os.tmpdir(), 'foundation-bench-compile-cache')
/** the library bundled into one file, as `foundation dev` runs its demo nodes; built by the suite from dist/ */
const BUNDLE = path.join(os.tmpdir(), 'foundation-bench-bundle', 'foundation.mjs')
const PACKAGE_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'src', 'index.js')

interface Subject {
  name: string
  script: string
  env?: Record<string, string>
}

const SUBJECTS: Subject[] = [
  { name: 'raw libp2p + mDNS', script: path.join(FORMATION_DIR, 'libp2p-mdns-node.ts') },
  { name: 'Foundation', script: path.join(FORMATION_DIR, 'foundation-node.ts') },
  { name: 'Foundation, one-file bundle', script: path.join(FORMATION_DIR, 'foundation-bundled-node.ts'), env: { BENCH_FORMATION_BUNDLE: BUNDLE } }
]

export async function run (): Promise<BenchResult> {
  const notes: string[] = [
    'N child processes (process.execPath running a node script) spawned at once; value = ms from the first spawn until every node has reported full membership (includes process start and module loading)',
    'allStartedMs = ms until every node reported its node up (its start() resolved); lastStartedToFullMs = value - allStartedMs, the part that discovery and the membership protocol take once the last node is up',
    `median of ${RUNS} runs per subject and size (runs lists each); perNode is the median run's`,
    `children run with Node's module compile cache (NODE_COMPILE_CACHE=${COMPILE_CACHE}), warmed by one unmeasured 1-node run per subject; without it each process spends about 200 ms more CPU (of about 550) loading modules`,
    'raw libp2p + mDNS: bare libp2p v3 (tcp + noise + yamux), @libp2p/mdns on its own service name with interval 1 s, dial on every peer:discovery; members = connected peers + 1',
    'Foundation: the built package (dist/, as an application installs it) running Foundation.start({ cluster }) with a cluster name unique to the run and nothing else; members = info().nodes',
    'Foundation, one-file bundle: the same, with dist/src/index.js and its dependencies bundled into one file by scripts/bundle.ts (esbuild), as `foundation dev` runs its demo nodes and as an application may bundle itself',
    `${TIMEOUT_MS / 1000} s timeout per run; every child is killed by pid at the end`
  ]
  const results: SubjectResult[] = []
  await bundle(PACKAGE_ENTRY, BUNDLE)
  for (const subject of SUBJECTS) {
    if (!existsSync(subject.script)) {
      notes.push(`${subject.name} not measured: ${subject.script} missing`)
      continue
    }
    await formCluster({ nodes: 1, script: subject.script, timeoutMs: TIMEOUT_MS, clusterPrefix: 'bench-warmup', compileCache: COMPILE_CACHE, env: subject.env })
    for (const nodes of SIZES) {
      const runs: FormationRun[] = []
      for (let i = 0; i < RUNS; i++) {
        const run = await formCluster({ nodes, script: subject.script, timeoutMs: TIMEOUT_MS, clusterPrefix: 'bench-formation', compileCache: COMPILE_CACHE, env: subject.env })
        if (run.allFullMs == null) {
          notes.push(`${subject.name} (${nodes} nodes) did not form in run ${i + 1}: ${run.failures.slice(0, 3).join('; ')}`)
        } else {
          runs.push(run)
        }
      }
      if (runs.length === 0) { continue }
      runs.sort((a, b) => (a.allFullMs ?? 0) - (b.allFullMs ?? 0))
      const mid = runs[Math.floor((runs.length - 1) / 2)]
      results.push({
        subject: `${subject.name} (${nodes} nodes)`,
        value: Math.round(median(runs.map(r => r.allFullMs ?? 0))),
        nodes,
        allStartedMs: Math.round(median(runs.map(r => r.allStartedMs ?? 0))),
        lastStartedToFullMs: Math.round(median(runs.map(r => r.lastStartedToFullMs ?? 0))),
        runs: runs.map(r => ({ fullMs: round2(r.allFullMs ?? 0), allStartedMs: r.allStartedMs, lastStartedToFullMs: r.lastStartedToFullMs })),
        perNode: mid.perNode
      })
    }
  }

  const baseline = results.find(r => r.subject === 'raw libp2p + mDNS (10 nodes)')
  const ours = results.find(r => r.subject === 'Foundation (10 nodes)')
  return makeResult({
    name: 'formation',
    unit: 'ms to full membership',
    results,
    ratio: ours != null && baseline != null ? round2(baseline.value / ours.value) : null,
    ratioOf: 'raw libp2p + mDNS / Foundation, 10 nodes (lower time is better)',
    target: `Foundation, 10 nodes: <= ${TARGET_10_NODES_MS} ms`,
    met: ours != null ? ours.value <= TARGET_10_NODES_MS : null,
    notes
  })
}
