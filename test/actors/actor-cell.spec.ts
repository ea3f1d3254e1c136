import { expect } from 'aegir/chai'
import { ActorHandlerError, ActorStoppedError, DuplicateNameError } from '../../src/actors/errors.ts'
import { LocalActors } from '../../src/actors/local-actors.ts'
import { Mailbox } from '../../src/actors/mailbox.ts'
import type { Actor } from '../../src/actors/index.ts'

class Recorder implements Actor {
  seen: unknown[] = []
  active = 0
  maxActive = 0

  async receive (message: { delay?: number, fail?: string, value?: unknown }): Promise<unknown> {
    this.active++
    this.maxActive = Math.max(this.maxActive, this.active)
    await new Promise(resolve => setTimeout(resolve, message.delay ?? 0))
    this.active--
    if (message.fail != null) { throw new RangeError(message.fail) }
    this.seen.push(message.value)
    return message.value
  }
}

function actors (): { local: LocalActors, unhandled: Error[] } {
  const unhandled: Error[] = []
  return { local: new LocalActors({ nodeId: 'n1', onUnhandledError: (err) => unhandled.push(err) }), unhandled }
}

async function call (local: LocalActors, id: string, message: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => { local.get(id)?.deliver(message, { resolve, reject }) })
}

describe('actors', () => {
  it('handles one message at a time, in arrival order', async () => {
    const { local } = actors()
    const cell = await local.spawn(Recorder, [])
    const answers = await Promise.all([5, 1, 3, 0].map(async (delay, i) => call(local, cell.ref.id, { delay, value: i })))
    expect(answers).to.deep.equal([0, 1, 2, 3])
    const actor = (cell as any).actor as Recorder
    expect(actor.seen).to.deep.equal([0, 1, 2, 3])
    expect(actor.maxActive).to.equal(1)
  })

  it('fails the call whose handler throws, and keeps the actor running', async () => {
    const { local } = actors()
    const cell = await local.spawn(Recorder, [])
    const err = await call(local, cell.ref.id, { fail: 'bad input' }).catch((e: Error) => e)
    expect(err).to.be.instanceOf(ActorHandlerError)
      .and.to.include({ remoteName: 'RangeError', message: 'bad input' })
    expect((err as Error).cause).to.be.instanceOf(RangeError)
    expect(await call(local, cell.ref.id, { value: 'after' })).to.equal('after')
  })

  it('reports a throw on a message nobody waits for', async () => {
    const { local, unhandled } = actors()
    const cell = await local.spawn(Recorder, [])
    cell.deliver({ fail: 'lost?' })
    await call(local, cell.ref.id, { value: 1 })
    expect(unhandled.map(e => e.message)).to.deep.equal(['lost?'])
  })

  it('fails queued messages with ActorStoppedError when stopped', async () => {
    const { local } = actors()
    const cell = await local.spawn(Recorder, [])
    const first = call(local, cell.ref.id, { delay: 20, value: 1 })
    const queued = call(local, cell.ref.id, { value: 2 }).catch((e: Error) => e)
    await local.stop(cell.ref.id)
    expect(await queued).to.be.instanceOf(ActorStoppedError)
    expect(await first).to.equal(1)
    expect(local.get(cell.ref.id)).to.equal(undefined)
  })

  it('refuses a second actor with the same name on one node', async () => {
    const { local } = actors()
    await local.spawn(Recorder, [], 'only')
    await expect(local.spawn(Recorder, [], 'only')).to.eventually.be.rejectedWith(DuplicateNameError)
    expect(local.named('only')).to.not.equal(undefined)
  })

  it('passes spawn arguments to the constructor and runs started before the first message', async () => {
    const order: string[] = []
    class Greeter implements Actor {
      readonly greeting: string
      constructor (greeting: string) { this.greeting = greeting }
      async started (): Promise<void> { await new Promise(resolve => setTimeout(resolve, 5)); order.push('started') }
      receive (name: string): string { order.push('receive'); return `${this.greeting}, ${name}` }
    }
    const { local } = actors()
    const cell = await local.spawn(Greeter, ['hello'])
    expect(await call(local, cell.ref.id, 'ada')).to.equal('hello, ada')
    expect(order).to.deep.equal(['started', 'receive'])
  })

  it('keeps a mailbox in order across compaction', () => {
    const box = new Mailbox<number>()
    for (let i = 0; i < 5000; i++) { box.push(i) }
    for (let i = 0; i < 4000; i++) { expect(box.shift()).to.equal(i) }
    for (let i = 5000; i < 6000; i++) { box.push(i) }
    expect(box.size).to.equal(2000)
    expect(box.drain()).to.deep.equal(Array.from({ length: 2000 }, (_, i) => i + 4000))
  })
})
