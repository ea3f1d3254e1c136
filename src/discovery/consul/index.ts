// The consul strategy: peers are the instances of one Consul service whose health checks all pass, asked of the
// local agent (or a server) every round.
import { readFile } from 'node:fs/promises'
import { DiscoveryError, DiscoveryForbiddenError, DiscoveryResponseError } from '../errors.ts'
import { getJson } from '../http/index.ts'
import { PollingDiscovery } from '../polling-discovery.ts'
import { consulFailure, neededRules } from './consul-errors.ts'
import { ConsulConfigError } from './errors.ts'
import { entryCandidates } from './health.ts'
import type { Candidate, DiscoveryComponents, DiscoveryFactory } from '../index.ts'
import type { ConsulInit } from '../inits.ts'
import type { ServiceEntry } from './health.ts'

export { ConsulConfigError } from './errors.ts'

export const DEFAULT_CONSUL_ADDRESS = 'http://127.0.0.1:8500'

/** The environment variables read (CONSUL_HTTP_ADDR, CONSUL_HTTP_SSL, CONSUL_HTTP_TOKEN, CONSUL_CACERT). */
export type ConsulEnv = Record<string, string | undefined>

/**
 * `address`, else $CONSUL_HTTP_ADDR as the Consul CLI reads it (`host:port` means http, or https when
 * $CONSUL_HTTP_SSL is true), else the local agent.
 */
export function consulUrl (init: ConsulInit, env: ConsulEnv): URL {
  let text = init.address ?? env.CONSUL_HTTP_ADDR ?? DEFAULT_CONSUL_ADDRESS
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    text = `${/^(1|true)$/i.test(env.CONSUL_HTTP_SSL ?? '') ? 'https' : 'http'}://${text}`
  }
  try {
    const url = new URL(text)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') { throw new Error(`protocol ${url.protocol} is not supported`) }
    return url
  } catch (err: any) {
    throw new ConsulConfigError('address', `address: "${text}" is not an http(s) URL of a Consul agent (${err.message})`)
  }
}

export class ConsulDiscovery extends PollingDiscovery {
  readonly name = 'consul'
  private readonly url: URL
  private readonly service: string
  private readonly datacenter?: string
  private readonly token?: string
  private readonly caFile?: string

  /** `env` is read here, once: pass one in tests rather than changing process.env. */
  constructor (components: DiscoveryComponents, init: ConsulInit, env: ConsulEnv = process.env) {
    super(components, init, 'consul')
    if (init.service == null || init.service.trim() === '') {
      throw new ConsulConfigError('service', 'service: the name of the Consul service whose instances are peers is required')
    }
    this.service = init.service.trim()
    this.datacenter = init.datacenter
    const base = consulUrl(init, env)
    this.url = new URL(`${base.pathname.replace(/\/$/, '')}/v1/health/service/${encodeURIComponent(this.service)}`, base)
    this.url.searchParams.set('passing', 'true')
    if (init.datacenter != null && init.datacenter !== '') { this.url.searchParams.set('dc', init.datacenter) }
    if (init.tag != null && init.tag !== '') { this.url.searchParams.set('tag', init.tag) }
    const token = init.token ?? env.CONSUL_HTTP_TOKEN
    this.token = token == null || token === '' ? undefined : token
    this.caFile = env.CONSUL_CACERT === '' ? undefined : env.CONSUL_CACERT
  }

  protected async poll (signal: AbortSignal): Promise<Candidate[]> {
    const response = await getJson({
      strategy: 'consul',
      url: this.url,
      signal,
      ca: await this.readCa(),
      caSource: this.caFile,
      credential: this.token == null ? undefined : { name: 'x-consul-token', value: this.token }
    }, consulFailure(this.service, this.datacenter))
    if (!Array.isArray(response.body)) {
      throw new DiscoveryResponseError('consul', `${this.url.href} answered ${typeof response.body}, not a list of service instances`)
    }
    const entries = response.body as ServiceEntry[]
    this.log.trace('%d passing instances of %s at index %s', entries.length, this.service, response.headers['x-consul-index'])
    if (response.headers['x-consul-results-filtered-by-acls'] === 'true') {
      // a token without the rules gets an empty, successful answer: say why rather than report no peers
      if (entries.length === 0) {
        throw new DiscoveryForbiddenError('consul', `Consul left out every instance of "${this.service}" that the ACL token may not read. The token needs ${neededRules(this.service)}`)
      }
      this.log('Consul left out some instances of %s that the ACL token may not read', this.service)
    }
    return entryCandidates(entries, this.log)
  }

  private async readCa (): Promise<string | undefined> {
    if (this.caFile == null || this.url.protocol !== 'https:') { return undefined }
    try {
      return await readFile(this.caFile, 'utf8')
    } catch (err: any) {
      throw new DiscoveryError('consul', `cannot read the CA certificate $CONSUL_CACERT names, ${this.caFile} (${err.code ?? err.message})`, { cause: err })
    }
  }
}

export function consulDiscovery (init: ConsulInit): DiscoveryFactory {
  return (components) => new ConsulDiscovery(components, init)
}
