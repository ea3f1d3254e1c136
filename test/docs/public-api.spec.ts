// The public entry (src/index.ts, the package's main export) holds what the README documents: `Foundation`, the
// functions the README names and the errors the API throws. The parts behind it stay in src/internal.ts.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import * as api from '../../src/index.ts'
import * as internal from '../../src/internal.ts'
import { repoRoot } from '../fixtures/script-process.ts'

const ROOT = repoRoot()

/** The runtime exports of a module that are neither `Foundation`, nor an Error class, nor named in code in `readme`. */
function undocumented (exports: Record<string, unknown>, readme: string): string[] {
  return Object.entries(exports)
    .filter(([name]) => name !== 'Foundation')
    .filter(([, value]) => !(typeof value === 'function' && value.prototype instanceof Error))
    .filter(([name]) => !readme.includes(`\`${name}(`))
    .map(([name]) => name)
    .sort()
}

describe('the public entry', () => {
  let readme: string
  before(async () => { readme = await readFile(join(ROOT, 'README.md'), 'utf8') })

  it('exports only what the README documents, and the errors the API throws', () => {
    expect(undocumented(api, readme)).to.deep.equal([])
  })

  it('exports the functions the README names from it', () => {
    expect(api.resolveConfig).to.be.a('function')
    expect(api.redactedConfig).to.be.a('function')
    const config = api.resolveConfig({ secret: 'a passphrase of sixteen or more' }, {})
    expect(JSON.stringify(api.redactedConfig(config))).to.include('(hidden)').and.not.include('sixteen')
  })

  it('would catch a building block exported by it', () => {
    // the internal entry's parts (the node class, the host factory, the codecs) are what it must not grow back
    expect(undocumented(internal, readme)).to.include.members(['FoundationNode', 'createHost', 'Codec', 'encodeFrame', 'HashRing'])
    for (const name of ['FoundationNode', 'startFoundationNode', 'createHost', 'Codec', 'FrameDecoder', 'PartitionWatch']) {
      expect(api, name).to.not.have.property(name)
    }
  })
})
