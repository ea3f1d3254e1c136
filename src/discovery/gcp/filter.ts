// The Compute API list filter that selects a cluster's running instances.

/** A double-quoted filter literal. */
function quote (value: string): string {
  return `"${value.replace(/["\\]/g, c => `\\${c}`)}"`
}

/**
 * Instances carrying every label and running, in the form the API documents for several conditions: each
 * comparison in parentheses, joined by AND.
 */
export function computeFilter (labels: Record<string, string>): string {
  return [
    ...Object.entries(labels).map(([key, value]) => `(labels.${key} = ${quote(value)})`),
    `(status = ${quote('RUNNING')})`
  ].join(' AND ')
}

/** Client options for an `apiEndpoint` given as `host`, `host:port` or a URL (`http://` for a plain-HTTP one). */
export function endpointOptions (apiEndpoint: string | undefined): { apiEndpoint?: string, port?: number, protocol?: string } {
  if (apiEndpoint == null) { return {} }
  const url = new URL(apiEndpoint.includes('://') ? apiEndpoint : `https://${apiEndpoint}`)
  const protocol = url.protocol.slice(0, -1)
  const defaultPort = protocol === 'http' ? 80 : 443
  const port = url.port !== '' ? Number(url.port) : defaultPort
  return { apiEndpoint: url.hostname, port, protocol }
}
