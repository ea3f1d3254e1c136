// Which listed pods are peers: running, ready, with an IP, and not being deleted.
import { isIP } from 'node:net'
import { tcpAddress } from '../candidates.ts'
import type { Candidate } from '../index.ts'
import type { Pod } from './types.ts'
import type { Logger } from '@libp2p/interface'

/** The pod's IPs, both families on a dual-stack cluster. */
export function podIps (pod: Pod): string[] {
  const ips = pod.status?.podIPs?.map(entry => entry?.ip) ?? []
  if (ips.length === 0 && pod.status?.podIP != null) { ips.push(pod.status.podIP) }
  return [...new Set(ips.filter(ip => typeof ip === 'string' && isIP(ip) !== 0))]
}

/** A pod that can take connections now: a terminating pod may still say Ready, so deletion is checked first. */
export function isReadyPod (pod: Pod): boolean {
  if (pod.metadata?.deletionTimestamp != null) { return false }
  if (pod.status?.phase !== 'Running') { return false }
  if (pod.status.conditions?.some(c => c?.type === 'Ready' && c.status === 'True') !== true) { return false }
  return podIps(pod).length > 0
}

/** The number of a named TCP port in the pod's containers. */
export function namedContainerPort (pod: Pod, name: string): number | undefined {
  for (const container of pod.spec?.containers ?? []) {
    for (const port of container?.ports ?? []) {
      if (port?.name === name && (port.protocol ?? 'TCP') === 'TCP' && Number.isInteger(port.containerPort)) { return port.containerPort }
    }
  }
  return undefined
}

/** One candidate per ready pod, dialled at `port` (a number, or a container port's name looked up in each pod). */
export function podCandidates (pods: Pod[], port: number | string, log: Logger): Candidate[] {
  const candidates: Candidate[] = []
  for (const pod of pods) {
    if (!isReadyPod(pod)) { continue }
    const number = typeof port === 'number' ? port : namedContainerPort(pod, port)
    if (number == null) {
      log('pod %s has no TCP container port named "%s", leaving it out', pod.metadata?.name, port)
      continue
    }
    candidates.push({ addresses: podIps(pod).map(ip => tcpAddress(ip, number)) })
  }
  return candidates
}
