// The run with a node killed: on the clean 4-process cluster, the burn job again, one worker process SIGKILLed by
// its pid as soon as half the chunks are reduced. Its chunks in flight fail over to the others; the figures say
// whether every chunk was still reduced exactly once, the checksum the clean run's, and how much longer it took.
import { now } from '../lib/stats.ts'
import { clusterJob } from './job.ts'
import { BURN_TASK, CHUNK_SIZE } from './settings.ts'
import type { ComputeCluster } from './clusters.ts'
import type { JobFigures } from './job.ts'
import type { Member } from '../../src/membership/index.ts'

export interface KillFigures {
  job: JobFigures
  victim: string
  /** ms into the job when the victim was killed, and the chunks reduced by then */
  killedAtMs: number
  reducedAtKill: number
  /** ms from the kill until the coordinator's membership declared the victim gone (null: not within the job) */
  leaveAfterMs: number | null
  /** chunks the victim's answers were reduced for (before it died) */
  victimChunks: number
}

/** Kills worker `victimIndex` at half the chunks reduced; the cluster is left with the others. */
export async function killRun (cluster: ComputeCluster, items: number[], victimIndex: number, signal: AbortSignal): Promise<KillFigures> {
  const victim = cluster.workers[victimIndex]
  const victimId = cluster.ids[victimIndex]
  const victimName = cluster.names.get(victimId) ?? victimId
  let started = 0
  let killedAt: number | undefined
  let reducedAtKill = 0
  let leftAt: number | undefined
  const onLeave = (evt: CustomEvent<Member>): void => {
    if (evt.detail.id === victimId && leftAt === undefined) { leftAt = now() }
  }
  cluster.coordinator.membership.addEventListener('member:leave', onLeave)
  try {
    started = now()
    const job = await clusterJob(cluster.coordinator, BURN_TASK, items, {
      chunkSize: CHUNK_SIZE,
      signal,
      meter: cluster.meter,
      names: cluster.names,
      onReduced: (reduced, chunks) => {
        if (killedAt !== undefined || reduced < chunks / 2) { return }
        if (victim.pid != null) { cluster.meter.readBeforeKill(victim.pid) }
        killedAt = now()
        reducedAtKill = reduced
        victim.kill('SIGKILL')
      }
    })
    if (killedAt === undefined) { throw new Error('the job ended before half its chunks were reduced: no node was killed') }
    return {
      job,
      victim: victimName,
      killedAtMs: Math.round(killedAt - started),
      reducedAtKill,
      leaveAfterMs: leftAt === undefined ? null : Math.round(leftAt - killedAt),
      victimChunks: job.byNode[victimName] ?? 0
    }
  } finally {
    cluster.coordinator.membership.removeEventListener('member:leave', onLeave)
  }
}
