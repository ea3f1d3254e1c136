// The parts of the Kubernetes API objects that discovery reads, as the API serves them (fields may be absent).

export interface ObjectMeta {
  name?: string
  namespace?: string
  uid?: string
  labels?: Record<string, string>
  /** set once the object is being deleted: a terminating pod */
  deletionTimestamp?: string | null
}

export interface ListMeta {
  resourceVersion?: string
  /** present while more pages follow */
  continue?: string
  remainingItemCount?: number
}

/** PodList, EndpointSliceList */
export interface List<T> {
  kind: string
  apiVersion: string
  metadata?: ListMeta
  items: T[] | null
}

export interface ContainerPort {
  name?: string
  containerPort: number
  protocol?: string
}

export interface Pod {
  metadata?: ObjectMeta
  spec?: { containers?: Array<{ name?: string, ports?: ContainerPort[] | null }> | null }
  status?: {
    phase?: string
    podIP?: string
    podIPs?: Array<{ ip: string }> | null
    conditions?: Array<{ type: string, status: string }> | null
  }
}

export interface EndpointSlice {
  metadata?: ObjectMeta
  addressType?: 'IPv4' | 'IPv6' | 'FQDN'
  endpoints?: Array<{
    addresses: string[]
    /** an absent `ready` means ready, per the API */
    conditions?: { ready?: boolean | null, serving?: boolean | null, terminating?: boolean | null }
    targetRef?: { kind?: string, name?: string, namespace?: string, uid?: string }
  }> | null
  ports?: Array<{ name?: string, port?: number, protocol?: string }> | null
}

/** The body of every API error answer. */
export interface Status {
  kind: 'Status'
  apiVersion?: string
  status?: 'Failure' | 'Success'
  message?: string
  reason?: string
  details?: { name?: string, group?: string, kind?: string }
  code?: number
}

export function isStatus (body: unknown): body is Status {
  return typeof body === 'object' && body != null && (body as { kind?: unknown }).kind === 'Status'
}
