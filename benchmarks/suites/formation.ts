// formation: 3 and 10 node processes on this machine, from spawn to every node seeing full membership, with zero
// configuration (discovery by mDNS). Baseline: bare libp2p nodes with mDNS that dial whatever they discover.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { makeResult, round2 } from '../lib/result.ts'
import { formCluster } from '../lib/spawn.ts'
import type { BenchResult, SubjectResult } from '../lib/result.ts'
import type { FormationRun } from '../lib/spawn.ts'

const FORMATION_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'formation')
const SIZES = [3, 10]
const TIMEOUT_MS = 15_000

interface Subject {
  name: string
  script: string
}

const SUBJECTS: Subject[] = [
  { name: 'raw libp2p + mDNS', script: path.join(FORMATION_DIR, 'libp2p-mdns-node.ts') },
  { name: 'Foundation', script: path.join(FORMATION_DIR, 'foundation-node.ts') }
]

export async function run (): Promise<BenchResult> {
  const notes: string[] = [
    'N child processes (process.execPath running a node script) spawned at once; value = ms from the first spawn until every node has reported full membership (includes process start and module loading)',
    'allStartedMs = ms until every node reported its node up; the gap to the value is discovery and joining',
    'raw libp2p + mDNS: bare libp2p v3 (tcp + noise + yamux), @libp2p/mdns on its own service name with interval 1 s, dial on every peer:discovery; members = connected peers + 1',
    'Foundation: Foundation.start({ cluster }) with a cluster name unique to the run and nothing else; members = info().nodes',
    `one run per subject and size, ${TIMEOUT_MS / 1000} s timeout; every child is killed by pid at the end`
  ]
  const results: SubjectResult[] = []
  for (const subject of SUBJECTS) {
    for (const nodes of SIZES) {
      if (!existsSync(subject.script)) {
        notes.push(`${subject.name} (${nodes} nodes) not measured: ${subject.script} missing`)
        continue
      }
      const run: FormationRun = await formCluster({ nodes, script: subject.script, timeoutMs: TIMEOUT_MS, clusterPrefix: 'bench-formation' })
      if (run.allFullMs == null) {
        notes.push(`${subject.name} (${nodes} nodes) did not form: ${run.failures.slice(0, 3).join('; ')}`)
        continue
      }
      results.push({
        subject: `${subject.name} (${nodes} nodes)`,
        value: Math.round(run.allFullMs),
        nodes,
        allStartedMs: run.allStartedMs != null ? Math.round(run.allStartedMs) : null,
        perNode: run.perNode
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
    target: 'none set',
    notes
  })
}
