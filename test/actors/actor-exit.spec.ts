import { expect } from 'aegir/chai'
import { ActorStoppedError, DuplicateActorIdError } from '../../src/actors/errors.ts'
import { LocalActors } from '../../src/actors/local-actors.ts'
import type { Actor, ActorContext, ExitReason } from '../../src/actors/index.ts'

class Quitter implements Actor {
  stops = 0
  async receive (message: { quit?: boolean, delay?: number, fail?: boolean }, context: ActorContext): Promise<string> {
    if (message.delay != null) { await new Promise(resolve => setTimeout(resolve, message.delay)) }
    if (message.fail === true) { throw new Error('handler failed') }
    if (message.quit === true) { context.stop() }
    return 'done'
  }

  stopped (): void { this.stops++ }
}

async function call (local: LocalActors, id: string, message: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const cell = local.get(id)
    if (cell == null) { reject(new Error(`no actor ${id}`)); return }
    cell.deliver(message, { resolve, reject })
  })
}

describe('actors that end themselves', () => {
  it('answers the message in hand, then ends: removed, queued calls failed, stopped hook run once, the node told', async () => {
    const exits: Array<[string | undefined, ExitReason]> = []
    const local = new LocalActors({ nodeId: 'n1', onUnhandledError: () => {}, onExit: (cell, reason) => exits.push([cell.name, reason]) })
    const cell = await local.spawn(Quitter, [], 'quitter')
    const quitting = call(local, cell.ref.id, { quit: true, delay: 10 })
    const queued = call(local, cell.ref.id, { delay: 0 }).catch((e: Error) => e)
    expect(await quitting).to.equal('done')
    expect(await queued).to.be.instanceOf(ActorStoppedError)
    expect(local.get(cell.ref.id)).to.equal(undefined)
    expect(local.named('quitter')).to.equal(undefined)
    expect(exits).to.deep.equal([['quitter', 'normal']])
    expect(((cell as any).actor as Quitter).stops).to.equal(1)
  })

  it('keeps an actor that is not supervised running after a throw', async () => {
    const local = new LocalActors({ nodeId: 'n1', onUnhandledError: () => {} })
    const cell = await local.spawn(Quitter, [])
    await expect(call(local, cell.ref.id, { fail: true })).to.eventually.be.rejectedWith('handler failed')
    expect(await call(local, cell.ref.id, {})).to.equal('done')
  })

  it('refuses an explicit id that a running actor holds, and never hands out an id given explicitly', async () => {
    const local = new LocalActors({ nodeId: 'n1', onUnhandledError: () => {} })
    await local.spawn(Quitter, [], undefined, { id: '2' })
    await expect(local.spawn(Quitter, [], undefined, { id: '2' })).to.eventually.be.rejectedWith(DuplicateActorIdError)
    const ids = [(await local.spawn(Quitter, [])).ref.id, (await local.spawn(Quitter, [])).ref.id]
    expect(ids).to.deep.equal(['1', '3'])
  })
})
