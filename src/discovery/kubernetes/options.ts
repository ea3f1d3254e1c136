// The kubernetes strategy's options checked and filled in: what cannot work is refused as it is configured.
import { KubernetesConfigError } from './errors.ts'
import type { KubernetesInit } from '../inits.ts'

export const DEFAULT_NAMESPACE = 'default'
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local'
export const MODES = ['pods', 'endpoints', 'dns'] as const
export type KubernetesMode = typeof MODES[number]

/** The environment variables read, so tests can pass their own. */
export type KubernetesEnv = Record<string, string | undefined>

export function checkMode (mode: unknown): KubernetesMode {
  if (!MODES.includes(mode as KubernetesMode)) {
    throw new KubernetesConfigError('mode', `mode: "${String(mode)}" is not one of ${MODES.join(', ')}`)
  }
  return mode as KubernetesMode
}

/** `apiServer`, else the in-cluster address every pod gets in its environment. */
export function apiServerUrl (init: KubernetesInit, env: KubernetesEnv): URL {
  let text = init.apiServer
  if (text == null) {
    const host = env.KUBERNETES_SERVICE_HOST
    const port = env.KUBERNETES_SERVICE_PORT ?? '443'
    if (host == null || host === '') {
      throw new KubernetesConfigError('apiServer', 'apiServer: not set, and KUBERNETES_SERVICE_HOST is not in the environment (not running in a pod?)')
    }
    text = `https://${host.includes(':') ? `[${host}]` : host}:${port}`
  }
  try {
    const url = new URL(text)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') { throw new Error(`protocol ${url.protocol}`) }
    return url
  } catch (err: any) {
    throw new KubernetesConfigError('apiServer', `apiServer: "${text}" is not an http(s) URL (${err.message})`)
  }
}

export function requireService (init: KubernetesInit): string {
  if (init.service == null || init.service.trim() === '') {
    throw new KubernetesConfigError('service', `service: mode '${init.mode ?? 'pods'}' needs the name of the Service`)
  }
  return init.service.trim()
}

export function checkPort (port: number | string | undefined): void {
  if (port == null) { return }
  if (typeof port === 'number' ? !(Number.isInteger(port) && port > 0 && port < 65536) : port.trim() === '') {
    throw new KubernetesConfigError('port', `port: ${JSON.stringify(port)} is neither a TCP port number nor a port name`)
  }
}

/** Peers listen where this node does when no port is configured. */
export function ownTcpPort (addresses: string[]): number | undefined {
  for (const address of addresses) {
    const port = Number(/\/tcp\/(\d+)/.exec(address)?.[1])
    if (port > 0) { return port }
  }
  return undefined
}
