// Discovery on Google Cloud: the running Compute Engine instances that carry the cluster's labels, in one zone or
// all, dialled at their first network interface's internal address, asked of the Compute API each round.
import { tcpAddress } from '../candidates.ts'
import { loadDependency } from '../dependency.ts'
import { DiscoveryError } from '../errors.ts'
import { instancePort } from '../instance-port.ts'
import { PollingDiscovery } from '../polling-discovery.ts'
import { computeError, credentialsError } from './errors.ts'
import { computeFilter, endpointOptions } from './filter.ts'
import type { Loader } from '../dependency.ts'
import type { Candidate, DiscoveryComponents, DiscoveryFactory } from '../index.ts'
import type { GcpInit } from '../inits.ts'
import type * as Compute from '@google-cloud/compute'

type Instance = Compute.protos.google.cloud.compute.v1.IInstance
type ClientOptions = NonNullable<ConstructorParameters<typeof Compute.InstancesClient>[0]>

/** instances one round hands on at most, so a backend that always has a next page cannot hold a round forever */
export const GCP_MAX_INSTANCES = 10_000

export function defaultGcpLabels (clusterName: string): Record<string, string> {
  return { 'foundation-cluster': clusterName }
}

/** Not configuration: lets tests stand in for the SDK and give it credentials. */
export interface GcpOptions {
  load?: Loader<typeof Compute>
  client?: ClientOptions
}

export class GcpDiscovery extends PollingDiscovery {
  readonly name = 'gcp'
  private readonly init: GcpInit
  private readonly options: GcpOptions
  private readonly filter: string
  private client?: Compute.InstancesClient
  private project?: string

  constructor (components: DiscoveryComponents, init: GcpInit = {}, options: GcpOptions = {}) {
    super(components, init, 'gcp')
    this.init = init
    this.options = options
    // the configuration layer fills in the cluster's labels; these are the default cluster's
    this.filter = computeFilter(init.labels ?? defaultGcpLabels('foundation'))
  }

  protected async setUp (): Promise<void> {
    const sdk = await loadDependency('gcp', '@google-cloud/compute', this.options.load ?? (async () => import('@google-cloud/compute')))
    // the Compute API speaks REST only
    const client = new sdk.InstancesClient({ fallback: true, ...endpointOptions(this.init.apiEndpoint), ...this.options.client })
    try {
      // a failed initialisation left to the list calls would surface as an unhandled rejection
      try {
        await client.initialize()
      } catch (err) {
        throw credentialsError(err)
      }
      this.project = await this.resolveProject(client)
    } catch (err) {
      await client.close().catch(() => {})
      throw err
    }
    this.client = client
    this.log('listing running instances of project %s in %s matching %s', this.project, this.init.zone ?? 'every zone', this.filter)
  }

  protected async tearDown (): Promise<void> {
    const client = this.client
    this.client = undefined
    await client?.close().catch(err => { this.log.error('closing the Compute client failed - %e', err) })
  }

  protected async poll (signal: AbortSignal): Promise<Candidate[]> {
    const { client, project } = this
    if (client == null || project == null) { throw new Error('not set up') }
    const port = instancePort('gcp', this.init.port, this.components.self)
    const request = { project, filter: this.filter }
    // the polling loop retries with its own backoff; `signal` bounds the round, pages included
    const options = { retry: null, autoPaginate: false, signal }
    const candidates: Candidate[] = []
    let seen = 0
    const add = (instance: Instance): void => {
      seen++
      const ip = instance.networkInterfaces?.[0]?.networkIP
      if (ip == null || ip === '') {
        this.log.trace('instance %s has no internal address', instance.name)
        return
      }
      candidates.push({ addresses: [tcpAddress(ip, port)] })
    }
    try {
      if (this.init.zone != null) {
        for await (const instance of client.listAsync({ ...request, zone: this.init.zone }, options)) {
          add(instance)
          if (seen >= GCP_MAX_INSTANCES) { break }
        }
      } else {
        for await (const [, scoped] of client.aggregatedListAsync(request, options)) {
          for (const instance of scoped.instances ?? []) { add(instance) }
          if (seen >= GCP_MAX_INSTANCES) { break }
        }
      }
    } catch (err) {
      throw computeError(err, project)
    }
    if (seen >= GCP_MAX_INSTANCES) {
      this.log.error('stopped listing after %d instances; dialling those', GCP_MAX_INSTANCES)
    }
    return candidates
  }

  private async resolveProject (client: Compute.InstancesClient): Promise<string> {
    const configured = this.init.project ?? process.env.GOOGLE_CLOUD_PROJECT
    if (configured != null && configured !== '') { return configured }
    try {
      return await client.getProjectId()
    } catch (err) {
      throw new DiscoveryError('gcp', 'no Google Cloud project: set project, or GOOGLE_CLOUD_PROJECT', { cause: err })
    }
  }
}

export function gcpDiscovery (init: GcpInit = {}): DiscoveryFactory {
  return (components) => new GcpDiscovery(components, init)
}
