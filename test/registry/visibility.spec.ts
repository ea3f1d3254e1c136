// Waiting until a name is visible on every member, over hand-made members that answer as told.
import { defaultLogger } from '@libp2p/logger'
import { expect } from 'aegir/chai'
import { NameNotVisibleError, NameTakenError } from '../../src/registry/errors.ts'
import { VisibilityCodec } from '../../src/registry/visibility-wire.ts'
import { VisibilityWait } from '../../src/registry/visibility.ts'
import { FakeMembership } from './fake-membership.ts'
import type { RegistryRecord } from '../../src/registry/record.ts'
import type { VisibilityAnswer } from '../../src/registry/visibility-wire.ts'

const mine: RegistryRecord = { name: 'x', ref: { node: 'self', id: '1' }, owner: 'self', version: { time: 1_000, counter: 0 }, tombstone: false }
const rival: RegistryRecord = { name: 'x', ref: { node: 'm2', id: '7' }, owner: 'm2', version: { time: 2_000, counter: 0 }, tombstone: false }

/** Each member answers from its script, one entry per question, repeating the last; `throw` fails that question. */
type Script = Array<VisibilityAnswer | 'throw'>

function setup (scripts: Record<string, Script>, timeout = 2_000): { wait: VisibilityWait, membership: FakeMembership, asked: string[], learnt: RegistryRecord[], known: Map<string, RegistryRecord> } {
  const membership = new FakeMembership('self', Object.keys(scripts))
  const asked: string[] = []
  const learnt: RegistryRecord[] = []
  const known = new Map<string, RegistryRecord>([['x', mine]])
  const wait = new VisibilityWait({
    membership,
    self: () => 'self',
    log: defaultLogger().forComponent('test'),
    current: (name) => known.get(name),
    learn: (record) => { learnt.push(record) },
    ask: async (member) => {
      const script = scripts[member]
      const answer = script[Math.min(asked.filter(m => m === member).length, script.length - 1)]
      asked.push(member)
      if (answer === 'throw') { throw new Error(`${member} cannot be reached`) }
      return answer
    }
  }, { timeout, retryDelay: 5 })
  return { wait, membership, asked, learnt, known }
}

const SEES: VisibilityAnswer = { sees: true, record: mine }
const NOT_YET: VisibilityAnswer = { sees: false }

describe('waiting until a name is visible', () => {
  it('resolves only once every member sees it, asking again only those that did not', async () => {
    const { wait, asked } = setup({ m1: [SEES], m2: [NOT_YET, 'throw', SEES], m3: [SEES] })
    await wait.until(mine)
    expect(asked.filter(m => m === 'm1')).to.have.length(1)
    expect(asked.filter(m => m === 'm2')).to.have.length(3)
    expect(asked.filter(m => m === 'm3')).to.have.length(1)
  })

  it('asks a member that joins while it waits, and stops waiting for one that leaves', async () => {
    const { wait, membership, asked } = setup({ m1: [NOT_YET, NOT_YET, SEES], gone: [NOT_YET], late: [SEES] })
    membership.leave('gone', 'dead')
    const done = wait.until(mine)
    membership.join('late')
    await done
    expect(asked).to.include('late')
    expect(asked.filter(m => m === 'gone')).to.have.length.below(2)
  })

  it('fails with NameTakenError when a member knows a newer write for another actor, and folds that write in', async () => {
    const { wait, learnt } = setup({ m1: [SEES], m2: [{ sees: false, record: rival }] })
    const err = await wait.until(mine).then(() => undefined, (e: Error) => e)
    expect(err).to.be.instanceOf(NameTakenError)
    expect(err).to.have.deep.property('holder', rival.ref)
    expect(learnt).to.deep.equal([rival])
  })

  it('fails with NameTakenError when this node learns of a newer write meanwhile', async () => {
    const { wait, known } = setup({ m1: [NOT_YET] })
    const done = wait.until(mine)
    known.set('x', rival)
    const err = await done.then(() => undefined, (e: Error) => e)
    expect(err).to.be.instanceOf(NameTakenError)
  })

  it('fails with NameNotVisibleError naming the members that never saw it, once time runs out', async () => {
    const { wait } = setup({ m1: [SEES], m2: [NOT_YET], m3: ['throw'] }, 200)
    const err = await wait.until(mine).then(() => undefined, (e: Error) => e)
    expect(err).to.be.instanceOf(NameNotVisibleError)
    expect(err).to.have.property('name', 'NameNotVisibleError')
    expect((err as NameNotVisibleError).missing.sort()).to.deep.equal(['m2', 'm3'])
  })

  it('stops with the signal\'s reason when the caller aborts', async () => {
    const { wait } = setup({ m1: [NOT_YET] })
    const controller = new AbortController()
    const done = wait.until(mine, controller.signal)
    controller.abort(new Error('caller gave up'))
    const err = await done.then(() => undefined, (e: Error) => e)
    expect(err).to.have.property('message', 'caller gave up')
  })

  it('resolves at once when this node is alone', async () => {
    const { wait, asked } = setup({})
    await wait.until(mine)
    expect(asked).to.deep.equal([])
  })
})

describe('registry endpoint messages', () => {
  const codec = new VisibilityCodec()

  it('carries a record there and an answer back', () => {
    expect(codec.readRequest(codec.request(mine))).to.deep.equal(mine)
    expect(codec.readAnswer(codec.answer({ sees: false, record: rival }), 'x')).to.deep.equal({ sees: false, record: rival })
    expect(codec.readAnswer(codec.answer({ sees: true }), 'x')).to.deep.equal({ sees: true })
  })

  it('rejects malformed requests and answers with InvalidRegistryRecordError', () => {
    const good = codec.request(mine)
    for (const body of [undefined, 5, [], new Uint8Array(3), { ...good, f: 2 }, { ...good, op: 'drop' }, { ...good, r: 'x' }, { ...good, r: new Uint8Array([0xc1]) }]) {
      expect(() => codec.readRequest(body), JSON.stringify(body)).to.throw().with.property('name', 'InvalidRegistryRecordError')
    }
    const answer = codec.answer({ sees: true, record: mine })
    for (const body of [null, { ...answer, f: 0 }, { ...answer, s: 'yes' }, { ...answer, r: [1, 2] }]) {
      expect(() => codec.readAnswer(body, 'x'), JSON.stringify(body)).to.throw().with.property('name', 'InvalidRegistryRecordError')
    }
    // an answer about another name is no answer
    expect(() => codec.readAnswer(answer, 'y')).to.throw().with.property('name', 'InvalidRegistryRecordError')
  })
})
