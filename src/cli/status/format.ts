// A node's `/cluster` view as lines for people: the cluster, this node, health, members, actors, partition, and the
// map-reduce jobs running when the node serves `/jobs`.
import type { ClusterInfo } from '../../cluster/index.ts'
import type { JobProgress } from '../../compute/index.ts'
import type { ClusterJobs } from '../../observability/routes.ts'

export function duration (ms: number): string {
  const s = Math.floor(ms / 1000)
  if (s < 60) { return `${s}s` }
  const m = Math.floor(s / 60)
  if (m < 60) { return `${m}m ${s % 60}s` }
  const h = Math.floor(m / 60)
  return h < 24 ? `${h}h ${m % 60}m` : `${Math.floor(h / 24)}d ${h % 24}h`
}

function table (rows: string[][]): string[] {
  const widths = rows[0].map((_cell, i) => Math.max(...rows.map(row => row[i].length)))
  return rows.map(row => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd())
}

const orDash = (value: number | undefined): string => value == null ? '-' : String(value)

/**
 * One running job. Its total is the chunks known: those reduced and in flight; a `+` says the source is not read to
 * its end, so more chunks are to come.
 */
export function formatJob (job: JobProgress): string {
  const total = `${job.done + job.inFlight}${job.sourceEnded ? '' : '+'}`
  return `job ${job.job} ${job.task} ${job.done}/${total} chunks, ${job.inFlight} in flight, ${job.retried} retried, ${job.workers} workers (${job.state})`
}

/** The jobs running on every member that answered, and the members that did not. */
export function formatJobs (jobs: ClusterJobs): string[] {
  const running = jobs.nodes.flatMap(node => node.jobs).filter(job => job.state === 'running')
  const silent = jobs.unanswered.length > 0 ? `; ${jobs.unanswered.map(m => m.name).join(', ')} did not answer` : ''
  return [`jobs       ${running.length === 0 ? 'none' : running.length} running${silent}`, ...running.map(job => `  ${formatJob(job)}`)]
}

export function formatStatus (info: ClusterInfo, jobs?: ClusterJobs): string[] {
  const { partition } = info
  const lines = [
    `cluster    ${info.cluster}: ${info.nodes} node${info.nodes === 1 ? '' : 's'}, ${info.health}, found by ${info.strategy}, ${info.topology}`,
    `this node  ${info.name} (${info.id}), up ${duration(info.uptime)}${info.http != null ? `, ${info.http}` : ''}`,
    `actors     ${info.processes} in the cluster (${info.node?.processes ?? 0} here); distributed ${info.distributed?.actors ?? 0} (${info.distributed?.local ?? 0} here)`,
    `messages   ${info.messageRate}/s in the cluster (${info.node?.messageRate ?? 0}/s here); ${info.undeliverable} undeliverable`,
    `partition  ${partition == null || partition.unreachable === 0 ? 'none' : `${partition.unreachable} member${partition.unreachable === 1 ? '' : 's'} unreachable; this side is ${partition.majority ? 'the majority' : 'a minority'}`}`,
    ...(jobs != null ? formatJobs(jobs) : []),
    '',
    'members'
  ]
  const members = [...info.members].sort((a, b) => String(a.name).localeCompare(String(b.name)))
  const rows = [['  NAME', 'STATUS', 'ACTORS', 'MSG/S', 'ROLES', 'ID']]
  for (const m of members) {
    rows.push([
      `  ${m.name}${m.id === info.id ? ' *' : ''}`,
      m.status,
      orDash(m.processes),
      orDash(m.messageRate),
      Array.isArray(m.roles) && m.roles.length > 0 ? m.roles.join(',') : '-',
      m.id
    ])
  }
  return [...lines, ...table(rows), '', '  * this node']
}
