// When join sync may ask a member for its names: in turn, holders first, never a member that said it holds none.
import { TypedEventEmitter } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { expect } from 'aegir/chai'
import { PullGate } from '../../src/registry/pull-gate.ts'
import { Turns } from '../../src/registry/turns.ts'
import type { MemberNameCountEvents, MemberNameCounts } from '../../src/registry/index.ts'
import type { PullTicket } from '../../src/registry/pull-gate.ts'

class Counts extends TypedEventEmitter<MemberNameCountEvents> implements MemberNameCounts {
  private readonly counts = new Map<string, number>()
  heldNames (member: string): number | undefined { return this.counts.get(member) }
  tell (member: string, count: number): void {
    this.counts.set(member, count)
    this.safeDispatchEvent('member:report', { detail: member })
  }
}

const log = defaultLogger().forComponent('test:pull-gate')
const tick = async (): Promise<void> => { await new Promise(resolve => setTimeout(resolve, 10)) }

interface Settled<T> {
  /** what the promise resolved with so far: 'pending' while it has not */
  value(): T | 'pending'
}

function state<T> (promise: Promise<T>): Settled<T> {
  let value: T | 'pending' = 'pending'
  void promise.then(v => { value = v })
  return { value: () => value }
}

function ticket (member: string, silentFor = 60_000, regardless = false): PullTicket & { controller: AbortController } {
  const controller = new AbortController()
  return { member, signal: controller.signal, controller, regardless, silentUntil: Date.now() + silentFor }
}

describe('turns', () => {
  const never = (): boolean => false
  const always = (): boolean => true

  it('runs at most `size` at once, the urgent first, then in the order they came', async () => {
    const turns = new Turns({ size: 2, maxGuesses: 2 })
    const signal = new AbortController().signal
    const first = await turns.take(signal, always)
    const second = await turns.take(signal, always)
    const order: string[] = []
    const later = turns.take(signal, always).then(give => { order.push('later'); return give })
    const urgentLater = turns.take(signal, always).then(give => { order.push('urgent later'); return give })
    const guess = turns.take(signal, never).then(give => { order.push('guess'); return give })
    await tick()
    expect(order).to.deep.equal([])
    first()
    second()
    await tick()
    expect(order).to.deep.equal(['later', 'urgent later'])
    ;(await later)()
    await tick()
    expect(order, 'a guess waits while an urgent task runs').to.deep.equal(['later', 'urgent later'])
    ;(await urgentLater)()
    await tick()
    expect(order).to.deep.equal(['later', 'urgent later', 'guess'])
    ;(await guess)()
  })

  it('runs at most `maxGuesses` guesses at once, and lets a waiter leave the line', async () => {
    const turns = new Turns({ size: 4, maxGuesses: 1 })
    const guess = await turns.take(new AbortController().signal, never)
    const leaving = new AbortController()
    const left = turns.take(leaving.signal, never)
    const next = state(turns.take(new AbortController().signal, never))
    leaving.abort(new Error('gone'))
    await expect(left).to.eventually.be.rejectedWith('gone')
    guess()
    await tick()
    expect(next.value()).to.be.a('function')
  })
})

describe('pull gate', () => {
  let counts: Counts
  let gate: PullGate

  beforeEach(() => {
    counts = new Counts()
    gate = new PullGate({ log, nameCounts: counts }, { maxAtOnce: 4, maxGuesses: 1 })
    gate.start()
  })

  afterEach(() => { gate.stop() })

  it('never asks a member that said it holds no names, even after it waited', async () => {
    counts.tell('empty', 0)
    expect(await gate.untilTurn(ticket('empty'))).to.equal(undefined)

    const waiting = gate.untilTurn(ticket('quiet'))
    await tick()
    counts.tell('quiet', 0)
    expect(await waiting).to.equal(undefined)
  })

  it('asks a silent member once it says it holds names, and one that never says once its patience runs out', async () => {
    const holder = state(gate.untilTurn(ticket('holder')))
    await tick()
    expect(holder.value()).to.equal('pending')
    counts.tell('holder', 3)
    await tick()
    const give = holder.value()
    expect(give).to.be.a('function')

    // a guess waits while a member that said it holds names is asked
    const mute = state(gate.untilTurn(ticket('mute', 30)))
    await new Promise(resolve => setTimeout(resolve, 60))
    expect(mute.value()).to.equal('pending')
    if (typeof give === 'function') { give() }
    await tick()
    expect(mute.value()).to.be.a('function')
  })

  it('asks silent members at once while a lookup waits, one at a time, the newest first', async () => {
    const older = state(gate.untilTurn(ticket('older')))
    const newer = state(gate.untilTurn(ticket('newer')))
    await tick()
    const lookupDone = gate.lookupWaits()
    await tick()
    expect(newer.value()).to.be.a('function')
    expect(older.value(), 'one guess at a time').to.equal('pending')
    lookupDone()
    const give = newer.value()
    if (typeof give === 'function') { give() }
    await tick()
    expect(older.value(), 'no lookup waits any more: back to waiting for its count').to.equal('pending')
    counts.tell('older', 0)
    await tick()
    expect(older.value()).to.equal(undefined)
  })

  it('asks at once a member asked regardless, and every member when no counts are told', async () => {
    counts.tell('empty', 0)
    expect(await gate.untilTurn(ticket('empty', 60_000, true))).to.be.a('function')

    const blind = new PullGate({ log }, { maxAtOnce: 4, maxGuesses: 1 })
    expect(await blind.untilTurn(ticket('anyone'))).to.be.a('function')
    expect(await blind.untilTurn(ticket('anyone else'))).to.be.a('function')
  })

  it('stops waiting when the pull is stopped', async () => {
    const stopped = ticket('stopped')
    const waiting = gate.untilTurn(stopped)
    stopped.controller.abort()
    expect(await waiting).to.equal(undefined)
  })
})
