// Shared plumbing for formation node scripts: read the harness's environment, report on stdout, exit with the
// parent.

export interface FormationEnv {
  nodes: number
  cluster: string
  index: number
}

export function formationEnv (): FormationEnv {
  const nodes = Number(process.env.BENCH_FORMATION_NODES)
  const cluster = process.env.BENCH_FORMATION_CLUSTER
  const index = Number(process.env.BENCH_FORMATION_INDEX ?? '0')
  if (!Number.isInteger(nodes) || nodes < 1 || cluster == null || cluster === '') {
    throw new Error('run by the formation harness: BENCH_FORMATION_NODES and BENCH_FORMATION_CLUSTER must be set')
  }
  // the harness holds our stdin open: when it goes away, so do we
  process.stdin.on('end', () => process.exit(0))
  process.stdin.on('error', () => process.exit(0))
  process.stdin.resume()
  // the harness ends us with SIGTERM: leave by exit() so that Node writes its module compile cache, if enabled
  process.on('SIGTERM', () => process.exit(0))
  return { nodes, cluster, index }
}

export function report (line: string): void {
  process.stdout.write(line + '\n')
}

/** Report "members <n>" on every change and "full <n>" once members() reaches the cluster size; polls every 10 ms. */
export function reportWhenFull (env: FormationEnv, members: () => number): void {
  let last = -1
  const timer = setInterval(() => {
    const n = members()
    if (n !== last) {
      last = n
      report(`members ${n}`)
    }
    if (n >= env.nodes) {
      clearInterval(timer)
      report(`full ${n}`)
    }
  }, 10)
}
