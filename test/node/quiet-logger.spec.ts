import { enable } from '@libp2p/logger'
import { expect } from 'aegir/chai'
import { quietLogger, scopedLogger } from '../../src/node/quiet-logger.ts'

describe('node/quiet-logger', () => {
  // what DEBUG enabled before the test, put back after it
  const before = process.env.DEBUG ?? ''

  afterEach(() => { enable(before) })

  it('a namespace nobody enabled logs nothing, at any level, and its scopes are checked on their own', () => {
    enable('quiet-test:conn:stream')
    const conn = quietLogger().forComponent('quiet-test:conn')
    expect(conn.enabled).to.equal(false)
    expect(() => { conn('a %s', 'message'); conn.error('an error'); conn.trace('a trace') }).to.not.throw()
    // the scope below it is enabled: it gets libp2p's own logger
    const stream = conn.newScope('stream')
    expect(stream.enabled).to.equal(true)
    expect(stream.newScope('other').enabled).to.equal(false)
  })

  it('a namespace whose errors or trace are enabled gets libp2p\'s logger', () => {
    enable('quiet-test:errors:error,quiet-test:traced:trace')
    expect(scopedLogger('quiet-test:errors').error).to.have.property('enabled', true)
    expect(scopedLogger('quiet-test:traced').trace).to.have.property('enabled', true)
    expect(scopedLogger('quiet-test:other').enabled).to.equal(false)
  })
})
