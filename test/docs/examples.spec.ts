// The TypeScript examples of the doc comments and the README compile against the public API, and the API
// reference builds without a warning.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'aegir/chai'
import { checkExamples, docCommentExamples, markdownExamples, sourceFiles, tableMemberExamples } from './doc-examples.ts'
import type { DocExample } from './doc-examples.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const run = promisify(execFile)
/** the README section whose table lists the API a started cluster has */
const API_TABLE = '## The API at a glance'

async function projectExamples (): Promise<DocExample[]> {
  const examples: DocExample[] = []
  for (const file of sourceFiles(ROOT)) {
    examples.push(...docCommentExamples(file, await readFile(join(ROOT, file), 'utf8')))
  }
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
  examples.push(...markdownExamples('README.md', readme), ...tableMemberExamples('README.md', readme, API_TABLE))
  return examples
}

describe('API docs', function () {
  this.timeout(180_000)

  it('finds the examples under @example tags, at their lines', () => {
    const text = [
      '/**',
      ' * Adds.',
      ' *',
      ' * @example',
      ' * ```ts',
      ' * const x = add(1, 2)',
      ' * ```',
      ' * ```sh',
      ' * not typescript',
      ' * ```',
      ' * @returns the sum',
      ' * ```ts',
      ' * not an example',
      ' * ```',
      ' */'
    ].join('\n')
    expect(docCommentExamples('src/add.ts', `// add\n${text}`)).to.deep.equal([
      { file: 'src/add.ts', line: 7, code: 'const x = add(1, 2)' }
    ])
  })

  it('turns the member paths of a README table into expressions on the API, at their lines', () => {
    const text = [
      '## The API at a glance',
      '',
      'Prose with `registry.lookupTimeout` is not the table.',
      '| | |',
      '|---|---|',
      '| `Foundation.start(options?)` | the first node |',
      '| `groups.join / leave(group, ref)`, `info().partition` | `context.stop()`, `metrics?.registry`, `send(ref, m)` |',
      '| `node.partitions.hasQuorum(n)` | |',
      '## Next section',
      '| `other.table` | |'
    ].join('\n')
    expect(tableMemberExamples('README.md', text, API_TABLE)).to.deep.equal([
      { file: 'README.md', line: 6, code: 'void Foundation.start' },
      { file: 'README.md', line: 7, code: 'void cluster.groups.join' },
      { file: 'README.md', line: 7, code: 'void cluster.info().partition' },
      { file: 'README.md', line: 7, code: 'declare const context: ActorContext; void context.stop()' },
      { file: 'README.md', line: 7, code: 'void cluster.metrics?.registry' },
      { file: 'README.md', line: 8, code: 'void cluster.node.partitions.hasQuorum' }
    ])
  })

  it('compiles every example, and reports the file, line and message of one that does not', async () => {
    const examples = await projectExamples()
    expect(examples.filter(e => e.file.startsWith('src/'))).to.have.length.greaterThan(20)
    // one broken example of our own, so this test shows it would catch one; and a README table row naming what a
    // cluster does not have (as the README once did)
    const broken: DocExample = { file: 'src/broken.ts', line: 40, code: 'const n: number = 1\ncluster.sendd(\'counter\', n)' }
    const brokenRow = tableMemberExamples('broken.md', `${API_TABLE}\n| \`registry.register(name, ref)\` | |`, API_TABLE)
    const problems = checkExamples(ROOT, [...examples, broken, ...brokenRow])

    const ours = problems.filter(p => p.file === broken.file)
    expect(ours).to.have.length(1)
    expect(ours[0].line).to.equal(41)
    expect(ours[0].message).to.match(/TS2551: Property 'sendd' does not exist/)
    const row = problems.filter(p => p.file === 'broken.md')
    expect(row).to.deep.equal([{ file: 'broken.md', line: 2, message: "TS2339: Property 'registry' does not exist on type 'Cluster'." }])

    const others = problems.filter(p => p !== ours[0] && !row.includes(p)).map(p => `${p.file}:${p.line}: ${p.message}`)
    expect(others, `examples that do not compile:\n${others.join('\n')}\n`).to.deep.equal([])
  })

  it('builds the API reference without a warning', async () => {
    const out = await mkdtemp(join(tmpdir(), 'foundation-api-'))
    try {
      const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'node_modules/typedoc/bin/typedoc'), '--out', out], {
        cwd: ROOT,
        maxBuffer: 16 * 1024 * 1024
      }).catch((err: Error & { stdout?: string, stderr?: string }) => {
        throw new Error(`typedoc failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`, { cause: err })
      })
      expect(`${stdout}${stderr}`).to.not.match(/\[warning\]|\[error\]/)
      expect(await readFile(join(out, 'index.html'), 'utf8')).to.include('Foundation')
    } finally {
      await rm(out, { recursive: true, force: true })
    }
  })
})
