// The behaviour every discovery strategy shares, run against each one with a real (or API-exact) backend.
import { expect } from 'aegir/chai'
import { dialKey } from '../../src/discovery/candidates.ts'
import { DiscoveryError } from '../../src/discovery/errors.ts'
import type { Candidate, DiscoveryStrategy } from '../../src/discovery/index.ts'

export interface ComplianceSubject {
  /**
   * A stopped strategy whose backend lists the expected peers, this node, and one of the peers twice. Its
   * interval should be short (≤ 300 ms) so the suite runs quickly.
   */
  strategy: DiscoveryStrategy
  /** the dial keys (addresses without /p2p) or peer ids the first round must find */
  expected: string[]
  /** this node's peer id and addresses, which must never be handed on */
  self: { peerId: string, addresses: string[] }
  /** makes every later round fail; absent for strategies without a backend that can fail (mdns, static) */
  breakBackend?(): Promise<void>
  /** undoes breakBackend */
  repairBackend?(): Promise<void>
  /** stops what the subject started besides the strategy */
  close(): Promise<void>
}

export interface ComplianceOptions {
  /** ms the suite waits to be sure no event comes (default 700) */
  quietPeriod?: number
  /** ms the suite waits for an event that must come (default 10 s) */
  eventTimeout?: number
}

/** Records a strategy's events from the moment it is attached. */
class Recorder {
  readonly candidates: Candidate[][] = []
  readonly errors: DiscoveryError[] = []

  constructor (strategy: DiscoveryStrategy) {
    strategy.addEventListener('candidates', (evt) => { this.candidates.push(evt.detail) })
    strategy.addEventListener('error', (evt) => { this.errors.push(evt.detail) })
  }

  get count (): number {
    return this.candidates.length + this.errors.length
  }

  /** every key (dial key and peer id) the candidate rounds so far named */
  seen (): Set<string> {
    const keys = new Set<string>()
    for (const round of this.candidates) {
      for (const candidate of round) {
        if (candidate.peerId != null) { keys.add(candidate.peerId) }
        for (const address of candidate.addresses) { keys.add(dialKey(address)) }
      }
    }
    return keys
  }
}

async function waitFor (condition: () => boolean, what: string, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout
  while (!condition()) {
    if (Date.now() > deadline) { throw new Error(`timed out after ${timeout} ms waiting for ${what}`) }
    await sleep(20)
  }
}

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

/** Defines the shared tests for one strategy. `setup` is called once per test. */
export function discoveryCompliance (label: string, setup: () => Promise<ComplianceSubject>, options: ComplianceOptions = {}): void {
  const quiet = options.quietPeriod ?? 700
  const eventTimeout = options.eventTimeout ?? 10_000

  describe(`${label}: discovery compliance`, function () {
    this.timeout(60_000)
    let subject: ComplianceSubject | undefined

    afterEach(async () => {
      await subject?.strategy.stop()
      await subject?.close()
      subject = undefined
    })

    it('sends no event before start', async () => {
      subject = await setup()
      const events = new Recorder(subject.strategy)
      await sleep(quiet)
      expect(events.count).to.equal(0)
      expect(subject.strategy.isStarted()).to.be.false()
    })

    it('finds the peers its backend lists', async () => {
      subject = await setup()
      const { strategy, expected } = subject
      const events = new Recorder(strategy)
      await strategy.start()
      await waitFor(() => expected.every(key => events.seen().has(key)), `candidates ${expected.join(', ')}`, eventTimeout)
      expect(events.errors).to.deep.equal([])
    })

    it('hands on each peer and address once, and never this node', async () => {
      subject = await setup()
      const { strategy, expected, self } = subject
      const events = new Recorder(strategy)
      await strategy.start()
      await waitFor(() => expected.every(key => events.seen().has(key)), 'the expected candidates', eventTimeout)
      const ownKeys = new Set(self.addresses.map(dialKey))
      for (const round of events.candidates) {
        const peerIds = round.map(c => c.peerId).filter(id => id != null)
        expect(new Set(peerIds).size, 'peer ids in one round').to.equal(peerIds.length)
        const keys = round.flatMap(c => c.addresses.map(dialKey))
        expect(new Set(keys).size, 'addresses in one round').to.equal(keys.length)
        expect(peerIds).to.not.include(self.peerId)
        expect(keys.filter(k => ownKeys.has(k))).to.deep.equal([])
      }
    })

    it('starts and stops idempotently, and sends nothing after stop', async () => {
      subject = await setup()
      const { strategy, expected } = subject
      await strategy.stop()
      const events = new Recorder(strategy)
      await strategy.start()
      await strategy.start()
      expect(strategy.isStarted()).to.be.true()
      await waitFor(() => expected.every(key => events.seen().has(key)), 'the expected candidates', eventTimeout)
      await strategy.stop()
      await strategy.stop()
      expect(strategy.isStarted()).to.be.false()
      const after = events.count
      await sleep(quiet)
      expect(events.count, 'events after stop').to.equal(after)

      // and it can start again
      const again = new Recorder(strategy)
      await strategy.start()
      await waitFor(() => expected.every(key => again.seen().has(key)), 'candidates after a restart', eventTimeout)
    })

    it('reports a failing backend as error events, retries, and recovers', async function () {
      subject = await setup()
      const { strategy, expected } = subject
      if (subject.breakBackend == null || subject.repairBackend == null) { this.skip() }
      const events = new Recorder(strategy)
      await strategy.start()
      await waitFor(() => expected.every(key => events.seen().has(key)), 'the expected candidates', eventTimeout)

      await subject.breakBackend()
      await waitFor(() => events.errors.length >= 2, 'two error events (a retry)', eventTimeout)
      for (const error of events.errors) {
        expect(error).to.be.an.instanceOf(DiscoveryError)
        expect(error.strategy).to.equal(strategy.name)
        expect(error.message).to.include(strategy.name)
      }
      expect(strategy.status.failures).to.be.greaterThan(0)
      expect(strategy.status.lastError?.name).to.match(/Discovery\w*Error/)

      const before = events.candidates.length
      await subject.repairBackend()
      await waitFor(() => events.candidates.length > before, 'candidates after the backend recovers', 30_000)
      const recovered = new Set(events.candidates.slice(before).flat().flatMap(c => [c.peerId, ...c.addresses.map(dialKey)]))
      expect(expected.filter(key => !recovered.has(key))).to.deep.equal([])
      expect(strategy.status.failures).to.equal(0)
    })
  })
}
