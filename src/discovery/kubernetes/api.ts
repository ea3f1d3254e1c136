// Lists objects from the Kubernetes API as a pod does: the service account's token and CA, read afresh each listing
// (projected tokens rotate), and `limit`/`continue` paging that starts over when a continue token expires.
import { DiscoveryResponseError } from '../errors.ts'
import { getJson } from '../http/index.ts'
import { apiFailure } from './api-errors.ts'
import { ContinueExpiredError } from './errors.ts'
import { readOptional, serviceAccountFiles } from './service-account.ts'
import type { ServiceAccountFiles } from './service-account.ts'
import type { List } from './types.ts'
import type { Logger } from '@libp2p/interface'

/** Objects asked for per page: small pages keep each answer well under the client's size limit. */
export const PAGE_SIZE = 250
/** 400 pages of 250 is 100k objects: more means something is wrong, not a big cluster. */
const MAX_PAGES = 400
/** Listings started over after expired continue tokens, in one round. */
const MAX_RESTARTS = 3

export interface Resource {
  /** plural name, as RBAC rules and 403 messages say it */
  name: string
  /** API group, '' for the core group */
  group: string
  /** the list kind the answer must be */
  listKind: string
  path(namespace: string): string
}

export const PODS: Resource = {
  name: 'pods',
  group: '',
  listKind: 'PodList',
  path: (namespace) => `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`
}

export const ENDPOINT_SLICES: Resource = {
  name: 'endpointslices',
  group: 'discovery.k8s.io',
  listKind: 'EndpointSliceList',
  path: (namespace) => `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/endpointslices`
}

export interface KubernetesApiInit {
  server: URL
  serviceAccountPath: string
  log: Logger
}

export class KubernetesApi {
  private readonly server: URL
  private readonly files: ServiceAccountFiles
  private readonly log: Logger

  constructor (init: KubernetesApiInit) {
    this.server = init.server
    this.files = serviceAccountFiles(init.serviceAccountPath)
    this.log = init.log
  }

  /** The namespace this pod runs in, when the service account says. */
  async ownNamespace (): Promise<string | undefined> {
    const text = await readOptional(this.files.namespace)
    return text?.trim() === '' ? undefined : text?.trim()
  }

  /** Every object of `resource` in `namespace` matching `labelSelector`, across all pages. */
  async list<T> (resource: Resource, namespace: string, labelSelector: string, signal: AbortSignal): Promise<T[]> {
    // a bearer token goes only where TLS protects it; over plain http (kubectl proxy) the proxy authenticates
    const token = this.server.protocol === 'https:' ? (await readOptional(this.files.token))?.trim() : undefined
    const ca = await readOptional(this.files.ca)
    for (let restarts = 0; ; restarts++) {
      try {
        return await this.listOnce<T>(resource, namespace, labelSelector, { token, ca }, signal)
      } catch (err) {
        if (!(err instanceof ContinueExpiredError) || restarts >= MAX_RESTARTS) { throw err }
        this.log('continue token expired while listing %s, starting over', resource.name)
      }
    }
  }

  private async listOnce<T> (resource: Resource, namespace: string, labelSelector: string, auth: { token?: string, ca?: string }, signal: AbortSignal): Promise<T[]> {
    const items: T[] = []
    let continueToken: string | undefined
    for (let page = 1; page <= MAX_PAGES; page++) {
      const url = new URL(this.server.pathname.replace(/\/$/, '') + resource.path(namespace), this.server)
      url.searchParams.set('labelSelector', labelSelector)
      url.searchParams.set('limit', String(PAGE_SIZE))
      if (continueToken != null) { url.searchParams.set('continue', continueToken) }
      const context = { resource: resource.name, group: resource.group, namespace, tokenPath: this.files.token, hasToken: auth.token != null && auth.token !== '', continued: continueToken != null }
      const response = await getJson({
        strategy: 'kubernetes',
        url,
        signal,
        ca: auth.ca,
        caSource: auth.ca == null ? `the system CAs (no ${this.files.ca})` : this.files.ca,
        credential: auth.token == null || auth.token === '' ? undefined : { name: 'authorization', value: `Bearer ${auth.token}` }
      }, apiFailure(context))
      const list = response.body as Partial<List<T>> | null
      if (list?.kind !== resource.listKind || !(Array.isArray(list.items) || list.items === null)) {
        throw new DiscoveryResponseError('kubernetes', `${url.origin}${url.pathname} answered a ${String(list?.kind ?? typeof list)}, not a ${resource.listKind}`)
      }
      items.push(...(list.items ?? []))
      continueToken = list.metadata?.continue != null && list.metadata.continue !== '' ? list.metadata.continue : undefined
      if (continueToken == null) { return items }
    }
    throw new DiscoveryResponseError('kubernetes', `listing ${resource.name} in namespace "${namespace}" took more than ${MAX_PAGES} pages; is the label selector too wide?`)
  }
}
