// The '$compute' messages checked on arrival: each malformed shape is a MalformedFrameError naming what was wrong,
// on real nodes as in the validator, and a node that was sent garbage keeps running jobs.
import { expect } from 'aegir/chai'
import { outcomeOfAnswer, outcomeOfCallError } from '../../src/compute/chunk-outcome.ts'
import { COMPUTE_ENDPOINT, validateComputeMessage, validateOfferAnswer, validateRunAnswer } from '../../src/compute/compute-wire.ts'
import { CallTimeoutError, NodeDownError } from '../../src/messaging/errors.ts'
import { Codec } from '../../src/wire/codec.ts'
import { MalformedFrameError } from '../../src/wire/errors.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'

const codec = new Codec()
const items = codec.encode([1, 2, 3])
const run = { job: 'j-1', chunk: 0, attempt: 1, task: 'sum', items }

/** [what is wrong, the message, a part of the error's message] */
const MALFORMED: Array<[string, unknown, string]> = [
  ['not an object', 'hello', 'not an object'],
  ['an array', ['offer', 'j', 't'], 'not an object'],
  ['no kind', { hello: 1 }, 'neither an offer, a run nor a cancel'],
  ['an offer without a task', { offer: { job: 'j-1' } }, 'offer.task'],
  ['an offer with an empty job', { offer: { job: '', task: 't' } }, 'offer.job'],
  ['an offer with a task name too long', { offer: { job: 'j', task: 'x'.repeat(257) } }, 'offer.task'],
  ['an offer with an extra field', { offer: { job: 'j', task: 't' }, run }, 'unknown field'],
  ['a run with a negative chunk', { run: { ...run, chunk: -1 } }, 'run.chunk'],
  ['a run with a fractional chunk', { run: { ...run, chunk: 1.5 } }, 'run.chunk'],
  ['a run with attempt 0', { run: { ...run, attempt: 0 } }, 'run.attempt'],
  ['a run with a huge attempt', { run: { ...run, attempt: 10_000 } }, 'run.attempt'],
  ['a run with items as a list', { run: { ...run, items: [1, 2, 3] } }, 'run.items'],
  ['a run with a job id too long', { run: { ...run, job: 'j'.repeat(65) } }, 'run.job'],
  ['a run that is not an object', { run: 7 }, 'run is not an object'],
  ['a cancel with a number for a job', { cancel: 7 }, 'cancel is not a job id'],
  ['a cancel with a bad chunk', { cancel: 'j', chunk: 'one' }, 'cancel.chunk']
]

describe('compute wire', () => {
  describe('validation', () => {
    for (const [what, message, named] of MALFORMED) {
      it(`refuses ${what}`, () => {
        expect(() => validateComputeMessage(message)).to.throw(MalformedFrameError, named)
      })
    }

    it('takes the well-formed messages as they are', () => {
      expect(validateComputeMessage({ offer: { job: 'j', task: 't' } })).to.deep.equal({ offer: { job: 'j', task: 't' } })
      expect(validateComputeMessage({ run })).to.deep.equal({ run })
      expect(validateComputeMessage({ cancel: 'j', chunk: 3 })).to.deep.equal({ cancel: 'j', chunk: 3 })
    })

    it('refuses malformed answers', () => {
      expect(() => validateOfferAnswer({ capacity: -1 })).to.throw(MalformedFrameError, 'capacity')
      expect(() => validateOfferAnswer({ capacity: 1e9 })).to.throw(MalformedFrameError, 'capacity')
      expect(() => validateOfferAnswer(null)).to.throw(MalformedFrameError)
      expect(() => validateRunAnswer({ error: { name: 'E', message: 'm' } })).to.throw(MalformedFrameError, 'retryable')
      expect(() => validateRunAnswer({ nothing: true })).to.throw(MalformedFrameError)
      expect(validateRunAnswer({ result: 0 })).to.deep.equal({ result: 0 })
    })
  })

  describe('what a try came to', () => {
    it('folds a result, retries a retryable error, fails on another, and takes a refusal as no try', () => {
      expect(outcomeOfAnswer({ result: 5 })).to.deep.include({ kind: 'result', value: 5 })
      expect(outcomeOfAnswer({ error: { name: 'RetryableTaskError', message: 'busy', retryable: true } })).to.deep.include({ kind: 'retry', worker: 'keep' })
      const failed = outcomeOfAnswer({ error: { name: 'TypeError', message: 'bad row', retryable: false } })
      expect(failed).to.deep.include({ kind: 'fail' })
      expect(failed.kind === 'fail' && failed.cause.name).to.equal('TypeError')
      expect(outcomeOfAnswer({ refused: 'no task' })).to.deep.include({ kind: 'refused', worker: 'remove' })
      // garbage from a member: the chunk goes elsewhere, the member gets no more
      expect(outcomeOfAnswer({ what: 1 })).to.deep.include({ kind: 'retry', worker: 'remove' })
    })

    it('benches an unreachable member, tells a timed-out one to stop, and fails on what another try cannot fix', () => {
      expect(outcomeOfCallError(new NodeDownError('n'))).to.deep.include({ kind: 'retry', worker: 'bench', cancel: false })
      expect(outcomeOfCallError(new CallTimeoutError('n', 5))).to.deep.include({ kind: 'retry', worker: 'keep', cancel: true })
      expect(outcomeOfCallError(Object.assign(new Error('x'), { name: 'ActorNotFoundError' }))).to.deep.include({ kind: 'retry', worker: 'remove' })
      expect(outcomeOfCallError(Object.assign(new Error('too big'), { name: 'MessageTooLargeError' }))).to.deep.include({ kind: 'fail' })
    })
  })

  describe('on real nodes', function () {
    this.timeout(60_000)
    const nodes = new TestNodes()
    after(async () => { await nodes.stopAll() })

    it('refuses each malformed message with MalformedFrameError, counts it, and keeps running jobs', async () => {
      const [a, b] = await nodes.startMany(2, { clusterName: uniqueCluster('compute-wire') })
      await formed([a, b])
      for (const node of [a, b]) {
        node.task('sum', async (values: number[]) => {
          // a wait, as I/O would: the coordinator's own share cannot take every chunk before the other answers
          await new Promise(resolve => setTimeout(resolve, 5))
          return values.reduce((x, y) => x + y, 0)
        })
      }
      const bodies = [...MALFORMED.map(([, message]) => message), { run: { ...run, task: 'sum', items: codec.encode({ not: 'a list' }) } }, { run: { ...run, task: 'sum', items: new Uint8Array([0xc1]) } }]
      for (const body of bodies) {
        const err = await a.messaging.call(b.id, COMPUTE_ENDPOINT, body, { timeout: 5000 }).then(() => undefined, (e: Error) => e)
        expect(err, JSON.stringify(body).slice(0, 80)).to.have.property('name', 'MalformedFrameError')
      }
      expect(b.compute.invalidMessages).to.equal(bodies.length)
      // sends are refused alike, and answered by nothing
      a.messaging.send(b.id, COMPUTE_ENDPOINT, { cancel: 42 })
      await eventually(() => b.compute.invalidMessages === bodies.length + 1, 'the malformed send is counted', 5000)
      // an offer and a run of a task the node does not have are well-formed: answered, not refused
      expect(await a.messaging.call(b.id, COMPUTE_ENDPOINT, { offer: { job: 'j', task: 'none' } }, { timeout: 5000 })).to.deep.equal({ capacity: 0 })
      expect(await a.messaging.call(b.id, COMPUTE_ENDPOINT, { run: { ...run, task: 'none' } }, { timeout: 5000 })).to.have.property('refused')

      const values = Array.from({ length: 300 }, (_, i) => i)
      const byNode = new Set<string>()
      const total = await a.mapReduce(values, 'sum', (x: number, y: number, chunk) => { byNode.add(chunk.node); return x + y }, { initial: 0, chunkSize: 10 })
      expect(total).to.equal(values.reduce((x, y) => x + y, 0))
      expect(byNode.has(b.id), 'the node sent garbage still runs chunks').to.equal(true)
    })
  })
})
