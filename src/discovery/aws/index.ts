// Discovery on AWS: the running EC2 instances that carry the cluster's tags, dialled at their private (or public)
// address, asked of the EC2 API each round.
import { tcpAddress } from '../candidates.ts'
import { loadDependency } from '../dependency.ts'
import { instancePort } from '../instance-port.ts'
import { PollingDiscovery } from '../polling-discovery.ts'
import { ec2Error } from './errors.ts'
import type { Loader } from '../dependency.ts'
import type { Candidate, DiscoveryComponents, DiscoveryFactory } from '../index.ts'
import type { AwsInit } from '../inits.ts'
import type * as Ec2 from '@aws-sdk/client-ec2'

/** instances asked for per page: the most DescribeInstances allows */
export const EC2_PAGE_SIZE = 1000
/** pages one round follows at most, so a backend that always has a next page cannot hold a round forever */
export const EC2_MAX_PAGES = 100

export function defaultAwsTags (clusterName: string): Record<string, string> {
  return { 'foundation-cluster': clusterName }
}

/** Not configuration: lets tests stand in for the SDK, and give it credentials and retry settings. */
export interface AwsOptions {
  load?: Loader<typeof Ec2>
  client?: Partial<Ec2.EC2ClientConfig>
}

/** The DescribeInstances filters for instances that carry every tag and are running. */
export function ec2Filters (tags: Record<string, string>): Ec2.Filter[] {
  return [
    ...Object.entries(tags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] })),
    { Name: 'instance-state-name', Values: ['running'] }
  ]
}

export class AwsDiscovery extends PollingDiscovery {
  readonly name = 'aws'
  private readonly init: AwsInit
  private readonly options: AwsOptions
  private readonly filters: Ec2.Filter[]
  private sdk?: typeof Ec2
  private client?: Ec2.EC2Client

  constructor (components: DiscoveryComponents, init: AwsInit = {}, options: AwsOptions = {}) {
    super(components, init, 'aws')
    this.init = init
    this.options = options
    // the configuration layer fills in the cluster's tags; these are the default cluster's
    this.filters = ec2Filters(init.tags ?? defaultAwsTags('foundation'))
  }

  protected async setUp (): Promise<void> {
    this.sdk = await loadDependency('aws', '@aws-sdk/client-ec2', this.options.load ?? (async () => import('@aws-sdk/client-ec2')))
    this.client = new this.sdk.EC2Client({
      region: this.init.region ?? process.env.AWS_REGION,
      endpoint: this.init.endpoint,
      // the polling loop retries with its own backoff; retrying inside a round would only hammer a throttled API
      maxAttempts: 1,
      ...this.options.client
    })
    this.log('asking EC2 at %s for running instances with %o', this.init.endpoint ?? this.init.region ?? 'the default region', this.filters)
  }

  protected async tearDown (): Promise<void> {
    this.client?.destroy()
    this.client = undefined
  }

  protected async poll (signal: AbortSignal): Promise<Candidate[]> {
    const { sdk, client } = this
    if (sdk == null || client == null) { throw new Error('not set up') }
    const port = instancePort('aws', this.init.port, this.components.self)
    const usePublic = this.init.addressType === 'public'
    const candidates: Candidate[] = []
    let token: string | undefined
    for (let page = 0; page < EC2_MAX_PAGES; page++) {
      let answer: Ec2.DescribeInstancesCommandOutput
      try {
        answer = await client.send(new sdk.DescribeInstancesCommand({ Filters: this.filters, MaxResults: EC2_PAGE_SIZE, NextToken: token }), { abortSignal: signal })
      } catch (err) {
        throw ec2Error(err, this.init.endpoint ?? this.init.region ?? 'the default region')
      }
      for (const instance of (answer.Reservations ?? []).flatMap(r => r.Instances ?? [])) {
        const ip = usePublic ? instance.PublicIpAddress : instance.PrivateIpAddress
        if (ip == null || ip === '') {
          this.log.trace('instance %s has no %s address', instance.InstanceId, usePublic ? 'public' : 'private')
          continue
        }
        candidates.push({ addresses: [tcpAddress(ip, port)] })
      }
      token = answer.NextToken
      if (token == null || token === '') { return candidates }
    }
    this.log.error('EC2 still had more instances after %d pages; dialling the first %d', EC2_MAX_PAGES, candidates.length)
    return candidates
  }
}

export function awsDiscovery (init: AwsInit = {}): DiscoveryFactory {
  return (components) => new AwsDiscovery(components, init)
}
