// Work put off to the next turn runs once the current turn is done, ahead of timers, and not at all once cancelled,
// with setImmediate (Node) and with the MessageChannel a browser uses.
import { stat } from 'node:fs'
import { expect } from 'aegir/chai'
import { nextTurn, nextTurnByMessage } from '../../src/time/next-turn.ts'

async function settle (): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, 20))
}

describe('next turn', () => {
  it('runs after the current turn, before a 0 ms timer set first', async () => {
    const order: string[] = []
    // from an I/O callback, as the messages and timers of a node run: outside one, Node runs a 0 ms timer and an
    // immediate in either order, by whether a millisecond passed before the loop looked at its timers
    await new Promise<void>(resolve => {
      stat(import.meta.filename, () => {
        setTimeout(() => { order.push('timer') }, 0)
        nextTurn(() => { order.push('next turn') })
        order.push('this turn')
        resolve()
      })
    })
    await settle()
    expect(order).to.deep.equal(['this turn', 'next turn', 'timer'])
  })

  it('does not run once cancelled', async () => {
    let ran = false
    nextTurn(() => { ran = true }).cancel()
    await settle()
    expect(ran).to.equal(false)
  })

  describe('by message, where there is no setImmediate', () => {
    it('runs once, after the current turn', async () => {
      const order: string[] = []
      nextTurnByMessage(() => { order.push('next turn') })
      await Promise.resolve()
      order.push('this turn')
      await settle()
      expect(order).to.deep.equal(['this turn', 'next turn'])
    })

    it('does not run once cancelled, whether the message was sent or not', async () => {
      let ran = 0
      nextTurnByMessage(() => { ran++ }).cancel()
      const late = nextTurnByMessage(() => { ran++ })
      await Promise.resolve()
      late.cancel()
      await settle()
      expect(ran).to.equal(0)
    })
  })
})
