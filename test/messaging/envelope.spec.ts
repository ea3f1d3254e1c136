// The direct protocol's frames: every kind with every field, with trace fields and without, is taken; each field
// removed, or of the wrong type, makes the frame malformed (the stream it came on is then reset and counted).
import { expect } from 'aegir/chai'
import { CALL, FAIL, PUBLISH, REPLY, SEND, validateEnvelope } from '../../src/messaging/direct/envelope.ts'
import { MalformedFrameError } from '../../src/wire/errors.ts'

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'

/** a well-formed frame of each kind, and for each field a value of the wrong type (none for a body: any value is one) */
const FRAMES: Array<{ name: string, frame: unknown[], wrong: Array<unknown | undefined>, traced: boolean }> = [
  { name: 'send', frame: [SEND, 'actor-1', { n: 1 }], wrong: [99, 7, undefined], traced: true },
  { name: 'call', frame: [CALL, 12, 'actor-1', 'hello'], wrong: [99, 'twelve', 7, undefined], traced: true },
  { name: 'reply', frame: [REPLY, 12, null], wrong: [99, -1, undefined], traced: false },
  { name: 'fail', frame: [FAIL, 12, ['ActorNotFoundError', 'no actor']], wrong: [99, 1.5, ['ActorNotFoundError']], traced: false },
  { name: 'publish', frame: [PUBLISH, 'topic', [1, 2]], wrong: [99, {}, undefined], traced: true }
]

describe('direct protocol frames', () => {
  for (const { name, frame, wrong, traced } of FRAMES) {
    it(`takes a whole ${name} frame${traced ? ', with its trace fields too' : ''}`, () => {
      expect(validateEnvelope(frame)).to.deep.equal(frame)
      if (traced) {
        expect(validateEnvelope([...frame, TRACEPARENT])).to.have.length(frame.length + 1)
        expect(validateEnvelope([...frame, TRACEPARENT, 'vendor=1'])).to.have.length(frame.length + 2)
        expect(() => validateEnvelope([...frame, 42]), 'a trace field not a string').to.throw(MalformedFrameError)
        expect(() => validateEnvelope([...frame, TRACEPARENT, 'a', 'b']), 'a field past the trace fields').to.throw(MalformedFrameError)
      } else {
        expect(() => validateEnvelope([...frame, 'extra'])).to.throw(MalformedFrameError)
      }
    })

    it(`refuses a ${name} frame with any field missing or of the wrong type`, () => {
      for (let i = 0; i < frame.length; i++) {
        const without = frame.filter((_, at) => at !== i)
        expect(() => validateEnvelope(without), `field ${i} removed`).to.throw(MalformedFrameError)
        if (wrong[i] === undefined) { continue }
        const changed = frame.map((field, at) => at === i ? wrong[i] : field)
        expect(() => validateEnvelope(changed), `field ${i} of the wrong type`).to.throw(MalformedFrameError)
      }
    })
  }

  it('refuses what is not an array, and an empty one', () => {
    for (const value of [null, 'send', { kind: SEND }, []]) {
      expect(() => validateEnvelope(value)).to.throw(MalformedFrameError)
    }
  })
})
