import { expect } from 'aegir/chai'
import { OAuth2Client } from 'google-auth-library'
import { DiscoveryDependencyError } from '../../src/discovery/dependency.ts'
import { DiscoveryForbiddenError, DiscoveryResponseError, DiscoveryUnreachableError } from '../../src/discovery/errors.ts'
import { computeFilter, endpointOptions } from '../../src/discovery/gcp/filter.ts'
import { GcpDiscovery } from '../../src/discovery/gcp/index.ts'
import { parseFilter, startFakeCompute } from '../fixtures/fake-compute.ts'
import { discoveryCompliance } from './compliance.ts'
import { addresses, record, selfAt, waitFor } from './events.ts'
import type { DiscoveryError } from '../../src/discovery/errors.ts'
import type { GcpOptions } from '../../src/discovery/gcp/index.ts'
import type { Candidate } from '../../src/discovery/index.ts'
import type { GcpInit } from '../../src/discovery/inits.ts'
import type { FakeCompute, FakeComputeInstance } from '../fixtures/fake-compute.ts'

const FAST = { interval: 200, minBackoff: 100, maxBackoff: 1000 }
const LABELS = { 'foundation-cluster': 'app' }

/** SDK options with a fixed OAuth token, so no metadata server or credentials file is asked */
function sdk (token: string): GcpOptions {
  const authClient = new OAuth2Client()
  authClient.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 })
  return { client: { authClient } }
}

function vm (name: string, networkIP: string | undefined, options: Partial<FakeComputeInstance> = {}): FakeComputeInstance {
  return { name, zone: 'us-central1-a', status: 'RUNNING', labels: { ...LABELS }, networkIP, ...options }
}

discoveryCompliance('gcp', async () => {
  const compute = await startFakeCompute()
  const me = await selfAt('10.128.0.1', 4000)
  compute.instances = [
    vm('self', '10.128.0.1'),
    vm('a', '10.128.0.2'),
    vm('b', '10.128.0.3', { zone: 'us-central1-b' }),
    // the same address listed twice, as a recreated instance can be while the old one is still listed
    vm('b-recreated', '10.128.0.3', { zone: 'us-central1-c' }),
    vm('stopped', '10.128.0.9', { status: 'TERMINATED' })
  ]
  return {
    strategy: new GcpDiscovery(me.components, { project: compute.project, labels: LABELS, apiEndpoint: compute.url, port: 4000, ...FAST }, sdk(compute.token)),
    expected: ['/ip4/10.128.0.2/tcp/4000', '/ip4/10.128.0.3/tcp/4000'],
    self: me,
    breakBackend: async () => { compute.failWith = { status: 503, message: 'The service is currently unavailable.', reason: 'backendError' } },
    repairBackend: async () => { compute.failWith = undefined },
    close: async () => { await compute.close() }
  }
})

describe('gcp discovery', function () {
  this.timeout(30_000)
  let compute: FakeCompute
  let strategy: GcpDiscovery | undefined

  async function run (init: Partial<GcpInit> = {}, options: GcpOptions = sdk(compute.token)): Promise<{ rounds: Candidate[][], errors: DiscoveryError[] }> {
    const me = await selfAt('10.200.0.1', 4000)
    strategy = new GcpDiscovery(me.components, { project: compute.project, labels: LABELS, apiEndpoint: compute.url, port: 4000, ...FAST, ...init }, options)
    const events = record(strategy)
    await strategy.start()
    return events
  }

  beforeEach(async () => {
    compute = await startFakeCompute()
  })

  afterEach(async () => {
    await strategy?.stop()
    strategy = undefined
    await compute.close()
  })

  it('finds running instances carrying every label in every zone, filtered by the API', async () => {
    const labels = { 'foundation-cluster': 'app', team: 'core' }
    compute.instances = [
      vm('match', '10.0.1.1', { labels }),
      vm('match-elsewhere', '10.0.1.2', { labels, zone: 'europe-west1-b' }),
      vm('stopped', '10.0.1.3', { labels, status: 'TERMINATED' }),
      vm('starting', '10.0.1.4', { labels, status: 'STAGING' }),
      vm('other-cluster', '10.0.1.5', { labels: { ...labels, 'foundation-cluster': 'analytics' } }),
      vm('one-label', '10.0.1.6', { labels: { 'foundation-cluster': 'app' } }),
      vm('unlabelled', '10.0.1.7', { labels: {} })
    ]
    const events = await run({ labels, port: 4100 })
    await waitFor(() => events.rounds.length > 0, 'a round')
    expect(addresses(events.rounds[0])).to.deep.equal(['/ip4/10.0.1.1/tcp/4100', '/ip4/10.0.1.2/tcp/4100'])
    expect(compute.requests[0].pathname).to.equal(`/compute/v1/projects/${compute.project}/aggregated/instances`)
    expect(parseFilter(compute.requests[0].searchParams.get('filter') ?? '')).to.have.deep.members([
      { field: 'labels.foundation-cluster', value: 'app' },
      { field: 'labels.team', value: 'core' },
      { field: 'status', value: 'RUNNING' }
    ])
  })

  it('lists one zone when zone is set', async () => {
    compute.instances = [
      vm('here', '10.0.2.1', { zone: 'us-east1-b' }),
      vm('there', '10.0.2.2', { zone: 'us-east1-c' })
    ]
    const events = await run({ zone: 'us-east1-b' })
    await waitFor(() => events.rounds.length > 0, 'a round')
    expect(addresses(events.rounds[0])).to.deep.equal(['/ip4/10.0.2.1/tcp/4000'])
    expect(compute.requests[0].pathname).to.equal(`/compute/v1/projects/${compute.project}/zones/us-east1-b/instances`)
  })

  ;[undefined, 'us-central1-a'].forEach(zone => {
    it(`follows page tokens through every page (${zone ?? 'all zones'})`, async () => {
      compute.pageSize = 2
      compute.instances = Array.from({ length: 5 }, (_, n) => vm(`vm-${n}`, `10.0.3.${n + 1}`))
      const events = await run({ zone })
      await waitFor(() => events.rounds.length > 0, 'a round')
      expect(addresses(events.rounds[0])).to.deep.equal(Array.from({ length: 5 }, (_, n) => `/ip4/10.0.3.${n + 1}/tcp/4000`))
      expect(compute.requests.slice(0, 3).map(r => r.searchParams.get('pageToken'))).to.deep.equal([null, 'Mg', 'NA'])
      expect(events.errors).to.deep.equal([])
    })
  })

  it('dials the first network interface, skipping instances without an internal address', async () => {
    compute.instances = [vm('with', '10.0.4.1'), vm('without', undefined)]
    const events = await run()
    await waitFor(() => events.rounds.length > 0, 'a round')
    expect(addresses(events.rounds[0])).to.deep.equal(['/ip4/10.0.4.1/tcp/4000'])
  })

  it('dials the port this node listens on when none is set', async () => {
    compute.instances = [vm('a', '10.0.5.1')]
    const me = await selfAt('10.200.0.1', 4555)
    strategy = new GcpDiscovery(me.components, { project: compute.project, labels: LABELS, apiEndpoint: compute.url, ...FAST }, sdk(compute.token))
    const events = record(strategy)
    await strategy.start()
    await waitFor(() => events.rounds.length > 0, 'a round')
    expect(addresses(events.rounds[0])).to.deep.equal(['/ip4/10.0.5.1/tcp/4555'])
  })

  it('names compute.instances.list when the API refuses', async () => {
    compute.failWith = { status: 403, message: `Required 'compute.instances.list' permission for 'projects/${compute.project}'`, reason: 'forbidden' }
    const events = await run()
    await waitFor(() => events.errors.length > 0, 'an error')
    expect(events.errors[0]).to.be.an.instanceOf(DiscoveryForbiddenError)
    expect(events.errors[0].message).to.include('compute.instances.list').and.to.include(compute.project)
    expect(events.errors[0].cause).to.have.property('httpStatusCode', 403)
  })

  it('reports a token the API does not accept as forbidden', async () => {
    const events = await run({}, sdk('some-other-token'))
    await waitFor(() => events.errors.length > 0, 'an error')
    expect(events.errors[0]).to.be.an.instanceOf(DiscoveryForbiddenError)
    expect(compute.requests).to.deep.equal([])
  })

  it('reports a 5xx as a response error, backs off, and recovers', async () => {
    compute.instances = [vm('a', '10.0.6.1')]
    compute.failWith = { status: 503, message: 'The service is currently unavailable.', reason: 'backendError' }
    const events = await run()
    await waitFor(() => events.errors.length >= 2, 'two errors')
    expect(events.errors[0]).to.be.an.instanceOf(DiscoveryResponseError)
    expect(events.errors[0].message).to.include('503')
    // one request per round: the SDK does not retry inside a round
    expect(compute.requests.length).to.equal(events.errors.length)
    compute.failWith = undefined
    await waitFor(() => events.rounds.length > 0, 'a round after the outage')
    expect(addresses(events.rounds[0])).to.deep.equal(['/ip4/10.0.6.1/tcp/4000'])
  })

  it('reports an API endpoint nobody listens on as unreachable', async () => {
    await compute.close()
    const events = await run()
    compute = await startFakeCompute()
    await waitFor(() => events.errors.length > 0, 'an error')
    expect(events.errors[0]).to.be.an.instanceOf(DiscoveryUnreachableError)
  })

  it('says to set the project when none is given and the SDK finds none', async () => {
    const saved = process.env.GOOGLE_CLOUD_PROJECT
    delete process.env.GOOGLE_CLOUD_PROJECT
    try {
      const events = await run({ project: undefined })
      await waitFor(() => events.errors.length > 0, 'an error')
      expect(events.errors[0].message).to.include('set project, or GOOGLE_CLOUD_PROJECT')
      expect(compute.requests).to.deep.equal([])
    } finally {
      if (saved != null) { process.env.GOOGLE_CLOUD_PROJECT = saved }
    }
  })

  it('reports a missing @google-cloud/compute package as an error event saying what to install', async () => {
    const events = await run({}, { ...sdk(compute.token), load: async () => import('foundation-test-package-that-is-not-installed' as string) })
    await waitFor(() => events.errors.length >= 2, 'the error, retried')
    expect(events.errors[0]).to.be.an.instanceOf(DiscoveryDependencyError)
    expect(events.errors[0].message).to.include('npm install @google-cloud/compute')
    expect(events.rounds).to.deep.equal([])
  })
})

describe('gcp discovery requests', () => {
  it('builds a filter of every label and the running status, quoting values', () => {
    expect(computeFilter({ 'foundation-cluster': 'app' })).to.equal('(labels.foundation-cluster = "app") AND (status = "RUNNING")')
    expect(computeFilter({ a: 'say "hi"\\' })).to.equal('(labels.a = "say \\"hi\\"\\\\") AND (status = "RUNNING")')
    expect(parseFilter(computeFilter({ a: 'say "hi"\\' }))).to.deep.equal([{ field: 'labels.a', value: 'say "hi"\\' }, { field: 'status', value: 'RUNNING' }])
  })

  it('reads the API endpoint as host, host:port or URL', () => {
    expect(endpointOptions(undefined)).to.deep.equal({})
    expect(endpointOptions('compute.internal.example')).to.deep.equal({ apiEndpoint: 'compute.internal.example', port: 443, protocol: 'https' })
    expect(endpointOptions('compute.internal.example:8443')).to.deep.equal({ apiEndpoint: 'compute.internal.example', port: 8443, protocol: 'https' })
    expect(endpointOptions('http://127.0.0.1:8080')).to.deep.equal({ apiEndpoint: '127.0.0.1', port: 8080, protocol: 'http' })
    expect(endpointOptions('http://[::1]:8080')).to.deep.equal({ apiEndpoint: '[::1]', port: 8080, protocol: 'http' })
  })
})
