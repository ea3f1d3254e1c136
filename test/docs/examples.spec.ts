// The TypeScript examples of the doc comments and the README compile against the public API, and the API
// reference builds without a warning.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'aegir/chai'
import { checkExamples, docCommentExamples, markdownExamples, sourceFiles } from './doc-examples.ts'
import type { DocExample } from './doc-examples.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const run = promisify(execFile)

async function projectExamples (): Promise<DocExample[]> {
  const examples: DocExample[] = []
  for (const file of sourceFiles(ROOT)) {
    examples.push(...docCommentExamples(file, await readFile(join(ROOT, file), 'utf8')))
  }
  examples.push(...markdownExamples('README.md', await readFile(join(ROOT, 'README.md'), 'utf8')))
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

  it('compiles every example, and reports the file, line and message of one that does not', async () => {
    const examples = await projectExamples()
    expect(examples.filter(e => e.file.startsWith('src/'))).to.have.length.greaterThan(20)
    // one broken example of our own, so this test shows it would catch one
    const broken: DocExample = { file: 'src/broken.ts', line: 40, code: 'const n: number = 1\ncluster.sendd(\'counter\', n)' }
    const problems = checkExamples(ROOT, [...examples, broken])

    const ours = problems.filter(p => p.file === broken.file)
    expect(ours).to.have.length(1)
    expect(ours[0].line).to.equal(41)
    expect(ours[0].message).to.match(/TS2551: Property 'sendd' does not exist/)

    const others = problems.filter(p => p !== ours[0]).map(p => `${p.file}:${p.line}: ${p.message}`)
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
