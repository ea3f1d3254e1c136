import { expect } from 'aegir/chai'
import { AwsDiscovery } from '../../src/discovery/aws/index.ts'
import { DiscoveryDependencyError } from '../../src/discovery/dependency.ts'
import { DiscoveryForbiddenError, DiscoveryResponseError, DiscoveryUnreachableError } from '../../src/discovery/errors.ts'
import { startFakeEc2 } from '../fixtures/fake-ec2.ts'
import { discoveryCompliance } from './compliance.ts'
import { addresses, record, selfAt, waitFor } from './events.ts'
import type { AwsOptions } from '../../src/discovery/aws/index.ts'
import type { DiscoveryError } from '../../src/discovery/errors.ts'
import type { Candidate } from '../../src/discovery/index.ts'
import type { AwsInit } from '../../src/discovery/inits.ts'
import type { FakeEc2, FakeInstance } from '../fixtures/fake-ec2.ts'

const FAST = { interval: 200, minBackoff: 100, maxBackoff: 1000 }
const SDK: AwsOptions = { client: { credentials: { accessKeyId: 'AKIDFOUNDATIONTEST', secretAccessKey: 'foundation-test-secret' } } }
const TAGS = { 'foundation-cluster': 'app' }

function instance (id: string, ip: string | undefined, options: Partial<FakeInstance> = {}): FakeInstance {
  return { id, state: 'running', privateIp: ip, tags: { ...TAGS }, ...options }
}

discoveryCompliance('aws', async () => {
  const ec2 = await startFakeEc2()
  const me = await selfAt('10.0.0.1', 4000)
  ec2.instances = [
    instance('i-self', '10.0.0.1'),
    instance('i-a', '10.0.0.2'),
    instance('i-b', '10.0.0.3'),
    // the same address listed twice, as an instance replaced in place can be
    instance('i-b-replaced', '10.0.0.3')
  ]
  return {
    strategy: new AwsDiscovery(me.components, { tags: TAGS, region: 'us-east-1', endpoint: ec2.url, port: 4000, ...FAST }, SDK),
    expected: ['/ip4/10.0.0.2/tcp/4000', '/ip4/10.0.0.3/tcp/4000'],
    self: me,
    breakBackend: async () => { ec2.failWith = { status: 503, code: 'Unavailable', message: 'The server is overloaded and can\'t handle the request.' } },
    repairBackend: async () => { ec2.failWith = undefined },
    close: async () => { await ec2.close() }
  }
})

describe('aws discovery', function () {
  this.timeout(30_000)
  let ec2: FakeEc2
  let strategy: AwsDiscovery | undefined

  async function run (init: Partial<AwsInit> = {}, options: AwsOptions = SDK): Promise<{ rounds: Candidate[][], errors: DiscoveryError[] }> {
    const me = await selfAt('10.9.9.9', 4000)
    strategy = new AwsDiscovery(me.components, { tags: TAGS, region: 'us-east-1', endpoint: ec2.url, port: 4000, ...FAST, ...init }, options)
    const events = record(strategy)
    await strategy.start()
    return events
  }

  beforeEach(async () => {
    ec2 = await startFakeEc2()
  })

  afterEach(async () => {
    await strategy?.stop()
    strategy = undefined
    await ec2.close()
  })

  it('finds only running instances that carry every tag, filtered by EC2', async () => {
    const tags = { 'foundation-cluster': 'app', team: 'core' }
    ec2.instances = [
      instance('i-match', '10.0.1.1', { tags }),
      instance('i-stopped', '10.0.1.2', { tags, state: 'stopped' }),
      instance('i-pending', '10.0.1.3', { tags, state: 'pending' }),
      instance('i-other-cluster', '10.0.1.4', { tags: { ...tags, 'foundation-cluster': 'analytics' } }),
      instance('i-one-tag', '10.0.1.5', { tags: { 'foundation-cluster': 'app' } }),
      instance('i-untagged', '10.0.1.6', { tags: {} }),
      instance('i-match-too', '10.0.1.7', { tags: { ...tags, extra: 'yes' } })
    ]
    const events = await run({ tags, port: 4100 })
    await waitFor(() => events.rounds.length > 0, 'a round')
    expect(addresses(events.rounds[0])).to.deep.equal(['/ip4/10.0.1.1/tcp/4100', '/ip4/10.0.1.7/tcp/4100'])

    const request = ec2.requests[0]
    expect(request.get('Action')).to.equal('DescribeInstances')
    const filters = new Map<string, string[]>()
    for (let n = 1; request.has(`Filter.${n}.Name`); n++) {
      filters.set(request.get(`Filter.${n}.Name`) ?? '', request.getAll(`Filter.${n}.Value.1`))
    }
    expect(Object.fromEntries(filters)).to.deep.equal({
      'tag:foundation-cluster': ['app'],
      'tag:team': ['core'],
      'instance-state-name': ['running']
    })
  })

  it('follows NextToken through every page', async () => {
    ec2.pageSize = 2
    ec2.instances = Array.from({ length: 7 }, (_, n) => instance(`i-${n}`, `10.0.2.${n + 1}`))
    const events = await run()
    await waitFor(() => events.rounds.length > 0, 'a round')
    expect(addresses(events.rounds[0])).to.deep.equal(Array.from({ length: 7 }, (_, n) => `/ip4/10.0.2.${n + 1}/tcp/4000`).sort())
    const firstRound = ec2.requests.slice(0, 4)
    expect(firstRound.map(r => r.get('NextToken'))).to.deep.equal([null, 'Mg', 'NA', 'Ng'])
    expect(firstRound.map(r => r.get('MaxResults'))).to.deep.equal(['1000', '1000', '1000', '1000'])
    expect(events.errors).to.deep.equal([])
  })

  it('dials the private address by default, skipping instances without one', async () => {
    ec2.instances = [
      instance('i-both', '10.0.3.1', { publicIp: '203.0.113.1' }),
      instance('i-private-only', '10.0.3.2'),
      instance('i-public-only', undefined, { publicIp: '203.0.113.3' })
    ]
    const events = await run()
    await waitFor(() => events.rounds.length > 0, 'a round')
    expect(addresses(events.rounds[0])).to.deep.equal(['/ip4/10.0.3.1/tcp/4000', '/ip4/10.0.3.2/tcp/4000'])
  })

  it('dials the public address with addressType public, skipping instances without one', async () => {
    ec2.instances = [
      instance('i-both', '10.0.3.1', { publicIp: '203.0.113.1' }),
      instance('i-private-only', '10.0.3.2'),
      instance('i-public-only', undefined, { publicIp: '203.0.113.3' })
    ]
    const events = await run({ addressType: 'public' })
    await waitFor(() => events.rounds.length > 0, 'a round')
    expect(addresses(events.rounds[0])).to.deep.equal(['/ip4/203.0.113.1/tcp/4000', '/ip4/203.0.113.3/tcp/4000'])
  })

  it('dials the port this node listens on when none is set', async () => {
    ec2.instances = [instance('i-a', '10.0.4.1')]
    const me = await selfAt('10.9.9.9', 4555)
    strategy = new AwsDiscovery(me.components, { tags: TAGS, region: 'us-east-1', endpoint: ec2.url, ...FAST }, SDK)
    const events = record(strategy)
    await strategy.start()
    await waitFor(() => events.rounds.length > 0, 'a round')
    expect(addresses(events.rounds[0])).to.deep.equal(['/ip4/10.0.4.1/tcp/4555'])
  })

  it('says the IAM policy needs ec2:DescribeInstances when EC2 refuses', async () => {
    ec2.failWith = { status: 403, code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' }
    const events = await run()
    await waitFor(() => events.errors.length > 0, 'an error')
    const [error] = events.errors
    expect(error).to.be.an.instanceOf(DiscoveryForbiddenError)
    expect(error.message).to.include('ec2:DescribeInstances').and.to.include('UnauthorizedOperation')
    expect(error.cause).to.have.property('name', 'UnauthorizedOperation')
  })

  it('reports throttling as a response error, backs off, and recovers', async () => {
    ec2.instances = [instance('i-a', '10.0.5.1')]
    ec2.failWith = { status: 503, code: 'RequestLimitExceeded', message: 'Request limit exceeded.' }
    const events = await run()
    await waitFor(() => events.errors.length >= 2, 'two errors')
    expect(events.errors[0]).to.be.an.instanceOf(DiscoveryResponseError)
    expect(events.errors[0].message).to.include('throttled')
    expect(events.errors[0].cause).to.have.property('name', 'RequestLimitExceeded')
    // one request per round: the SDK does not retry inside a round
    expect(ec2.requests.length).to.equal(events.errors.length)
    ec2.failWith = undefined
    await waitFor(() => events.rounds.length > 0, 'a round after the throttling')
    expect(addresses(events.rounds[0])).to.deep.equal(['/ip4/10.0.5.1/tcp/4000'])
  })

  it('reports an EC2 endpoint nobody listens on as unreachable', async () => {
    await ec2.close()
    const events = await run({ endpoint: ec2.url })
    ec2 = await startFakeEc2()
    await waitFor(() => events.errors.length > 0, 'an error')
    expect(events.errors[0]).to.be.an.instanceOf(DiscoveryUnreachableError)
  })

  it('reports a missing @aws-sdk/client-ec2 package as an error event saying what to install', async () => {
    const events = await run({}, { ...SDK, load: async () => import('foundation-test-package-that-is-not-installed' as string) })
    await waitFor(() => events.errors.length >= 2, 'the error, retried')
    expect(events.errors[0]).to.be.an.instanceOf(DiscoveryDependencyError)
    expect(events.errors[0].message).to.include('npm install @aws-sdk/client-ec2')
    expect(events.rounds).to.deep.equal([])
    expect(ec2.requests).to.deep.equal([])
  })
})
