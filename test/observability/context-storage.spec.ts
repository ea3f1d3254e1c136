// Trace context where there is no AsyncLocalStorage: held for the synchronous run of a handler, restored after it,
// whatever it throws.
import { expect } from 'aegir/chai'
import { TurnContextStorage } from '../../src/observability/tracing/context-storage.ts'

describe('turn context storage', () => {
  it('holds a context for the synchronous run only, nested runs and exits included', async () => {
    const storage = new TurnContextStorage<string>()
    expect(storage.getStore()).to.equal(undefined)
    const seen: Array<string | undefined> = []
    const later = storage.run('outer', () => {
      seen.push(storage.getStore())
      storage.run('inner', (suffix: string) => { seen.push(`${storage.getStore()}${suffix}`) }, '!')
      storage.exit(() => { seen.push(storage.getStore()) })
      seen.push(storage.getStore())
      return Promise.resolve().then(() => storage.getStore())
    })
    expect(seen).to.deep.equal(['outer', 'inner!', undefined, 'outer'])
    // past an await the context is gone: the platform has nothing to carry it there
    expect(await later).to.equal(undefined)
    expect(storage.getStore()).to.equal(undefined)
  })

  it('restores the outer context when the run throws', () => {
    const storage = new TurnContextStorage<string>()
    const boom = (): never => { throw new Error('boom') }
    const inner = (): string => {
      try {
        storage.run('inner', boom)
        return 'not thrown'
      } catch (err) {
        return `${(err as Error).message} in ${storage.getStore()}`
      }
    }
    expect(storage.run('outer', inner)).to.equal('boom in outer')
    expect(storage.getStore()).to.equal(undefined)
  })
})
