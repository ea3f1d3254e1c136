// package.json's dependencies are what the shipped code (src/) imports: no package installed for nothing into every
// application, none it needs missing, and what only the tests use kept in devDependencies.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import ts from 'typescript'
import { sourceFiles } from '../docs/doc-examples.ts'
import { repoRoot } from '../fixtures/script-process.ts'

const ROOT = repoRoot()

interface PackageJson {
  name: string
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

/** `createRequire(import.meta.url)('name')`: how an optional native package is loaded */
const CREATE_REQUIRE = /createRequire\([^)]*\)\(\s*['"]([^'"]+)['"]\s*\)/g

/** The npm packages the files of a folder import (static, dynamic, type and require imports; comments ignored). */
async function importedPackages (dir: string, self: string): Promise<Set<string>> {
  const packages = new Set<string>()
  for (const file of sourceFiles(ROOT, dir)) {
    const text = await readFile(join(ROOT, file), 'utf8')
    const specifiers = [
      ...ts.preProcessFile(text, true, true).importedFiles.map(f => f.fileName),
      ...[...text.matchAll(CREATE_REQUIRE)].map(m => m[1])
    ]
    for (const specifier of specifiers) {
      const name = packageOf(specifier)
      if (name != null && name !== self) { packages.add(name) }
    }
  }
  return packages
}

/** '@scope/name/sub' → '@scope/name', 'name/sub' → 'name'; undefined for relative paths and node: builtins. */
function packageOf (specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) { return undefined }
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

describe('package.json dependencies', () => {
  let pkg: PackageJson
  let fromSrc: Set<string>
  let fromTest: Set<string>

  before(async () => {
    pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'))
    fromSrc = await importedPackages('src', pkg.name)
    fromTest = await importedPackages('test', pkg.name)
  })

  it('names packages from import specifiers', () => {
    expect(packageOf('@noble/ciphers/salsa.js')).to.equal('@noble/ciphers')
    expect(packageOf('p-event')).to.equal('p-event')
    expect(packageOf('uint8arrays/from-string')).to.equal('uint8arrays')
    expect(packageOf('node:fs')).to.equal(undefined)
    expect(packageOf('../src/index.ts')).to.equal(undefined)
  })

  it('lists no dependency that src/ does not import', () => {
    const unused = Object.keys(pkg.dependencies ?? {}).filter(name => !fromSrc.has(name))
    expect(unused, 'dependencies nothing in src/ imports').to.deep.equal([])
  })

  it('lists every package src/ imports as a dependency or a peer dependency', () => {
    const listed = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})])
    const missing = [...fromSrc].filter(name => !listed.has(name)).sort()
    expect(missing, 'packages src/ imports without listing them').to.deep.equal([])
  })

  it('keeps what only the tests import in devDependencies', () => {
    const testOnly = [...fromTest].filter(name => !fromSrc.has(name))
    expect(testOnly).to.include('p-event')
    const inDependencies = testOnly.filter(name => pkg.dependencies?.[name] != null).sort()
    expect(inDependencies, 'test-only packages listed as dependencies').to.deep.equal([])
    expect(pkg.devDependencies).to.have.property('p-event')
  })
})
