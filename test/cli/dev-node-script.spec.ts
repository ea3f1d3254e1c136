// Which script `foundation dev` runs its nodes on: the one-file bundle for the built-in demo while it is current.
import { existsSync, statSync, utimesSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'aegir/chai'
import { compileCacheEnv, devNodeScript } from '../../src/cli/dev/node-script.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const BUNDLE = join(ROOT, 'dist', 'bundle', 'dev-node.mjs')
const SOURCE_SCRIPT = join(ROOT, 'src', 'cli', 'dev', 'node-process.ts')

describe('foundation dev: node script', () => {
  before(function () {
    // npm test builds it first; run alone, the test says what is missing instead of passing vacuously
    if (!existsSync(BUNDLE)) { throw new Error(`${BUNDLE} missing: run npm run build first`) }
  })

  it('runs the built-in demo on the bundle built after the sources', () => {
    expect(devNodeScript(undefined)).to.equal(BUNDLE)
  })

  it('runs an application on the unbundled script, so it shares one copy of the library', () => {
    expect(devNodeScript('/some/app.ts')).to.equal(SOURCE_SCRIPT)
  })

  it('does not run a bundle older than the sources', () => {
    const { atime, mtime } = statSync(BUNDLE)
    try {
      utimesSync(BUNDLE, atime, new Date(Date.UTC(2000, 0, 1)))
      expect(devNodeScript(undefined)).to.equal(SOURCE_SCRIPT)
    } finally {
      utimesSync(BUNDLE, atime, mtime)
    }
  })

  it('gives the node processes a compile cache unless one is set', () => {
    expect(compileCacheEnv().NODE_COMPILE_CACHE).to.be.a('string').and.not.equal('')
  })
})
