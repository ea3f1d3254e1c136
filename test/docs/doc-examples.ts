// Finds the TypeScript examples of the doc comments (and the README) and type-checks each one as a module of its own.
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

/** One fenced ```ts block, with where it starts in its file. */
export interface DocExample {
  /** the file, relative to the project root */
  file: string
  /** 1-based line of the block's first code line in that file */
  line: number
  code: string
}

/** One compiler message about an example, placed at the example's own file and line. */
export interface ExampleProblem {
  file: string
  line: number
  message: string
}

/** Names examples may use without defining them: the public API, the internal one, and the prelude. */
const PUBLIC_MODULE = 'foundation-mesh'
const INTERNAL_MODULE = 'foundation-mesh/internal'
/** the browser entry: an example imports from it by name, nothing is imported from it for it */
const BROWSER_MODULE = 'foundation-mesh/browser'
const PRELUDE_MODULE = '../prelude.ts'

/** The directory the generated example modules pretend to live in, so module resolution finds the project's packages. */
const EXAMPLE_DIR = 'test/docs/examples'

const FENCE = /^```(\w*)\s*$/
const TS_LANGUAGES = new Set(['ts', 'typescript'])

export function sourceFiles (root: string, dir = 'src'): string[] {
  const files: string[] = []
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      files.push(...sourceFiles(root, path))
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      files.push(path)
    }
  }
  return files.sort()
}

/**
 * The ```ts blocks that follow an `@example` tag in the doc comments of a file. A block ends the tag's text; a
 * second block under the same tag is taken too, as TypeDoc shows it.
 */
export function docCommentExamples (file: string, text: string): DocExample[] {
  const examples: DocExample[] = []
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const firstLine = lineAt(text, comment.index)
    const lines = comment[0].split('\n').map(line => line.replace(/^\s*\/?\*+\/?\s?/, '').replace(/\s*\*\/$/, ''))
    let inExample = false
    let block: { start: number, language: string, lines: string[] } | undefined
    lines.forEach((line, i) => {
      const fence = FENCE.exec(line.trim())
      if (block != null) {
        if (fence != null && fence[1] === '') {
          if (TS_LANGUAGES.has(block.language)) {
            examples.push({ file, line: firstLine + block.start + 1, code: block.lines.join('\n') })
          }
          block = undefined
        } else {
          block.lines.push(line)
        }
        return
      }
      if (/^@\w+/.test(line.trim())) {
        inExample = line.trim().startsWith('@example')
      }
      if (inExample && fence != null) {
        block = { start: i, language: fence[1], lines: [] }
      }
    })
  }
  return examples
}

/** Every ```ts block of a markdown file. */
export function markdownExamples (file: string, text: string): DocExample[] {
  const examples: DocExample[] = []
  let block: { start: number, language: string, lines: string[] } | undefined
  text.split('\n').forEach((line, i) => {
    const fence = FENCE.exec(line)
    if (block == null) {
      if (fence != null) { block = { start: i, language: fence[1], lines: [] } }
    } else if (fence != null && fence[1] === '') {
      if (TS_LANGUAGES.has(block.language)) {
        examples.push({ file, line: block.start + 2, code: block.lines.join('\n') })
      }
      block = undefined
    } else {
      block.lines.push(line)
    }
  })
  return examples
}

/** A member path in a code span: `groups.join`, `info().partition`, `metrics?.registry`, `Foundation.start`. */
const MEMBER_PATH = /`([A-Za-z_]\w*(?:\(\))?\??(?:\.\w+(?:\(\))?)+)/g

/**
 * The member paths named in the tables of one section of a markdown file (by its heading), each as an expression
 * to type-check: on `Foundation`, on an actor's `context`, otherwise on a started `cluster`. A path the API does
 * not have (`node.partitions.hasQuorum`) then fails to compile, at its line.
 */
export function tableMemberExamples (file: string, text: string, heading: string): DocExample[] {
  const examples: DocExample[] = []
  const lines = text.split('\n')
  const start = lines.indexOf(heading)
  if (start === -1) { throw new Error(`${file} has no heading "${heading}"`) }
  for (let i = start + 1; i < lines.length && !lines[i].startsWith('#'); i++) {
    if (!lines[i].startsWith('|')) { continue }
    for (const [, path] of lines[i].matchAll(MEMBER_PATH)) {
      examples.push({ file, line: i + 1, code: memberExpression(path) })
    }
  }
  return examples
}

/** A member path as an expression: `Foundation` and an actor's `context` are named, the rest is on a cluster. */
function memberExpression (path: string): string {
  const root = path.split(/[.?(]/)[0]
  if (root === 'Foundation') { return `void ${path}` }
  if (root === 'context') { return `declare const context: ActorContext; void ${path}` }
  return `void cluster.${path}`
}

function lineAt (text: string, index: number): number {
  let line = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) { line++ }
  return line
}

/** The names a module exports, split into values and types, read from its export statements. */
function exportedNames (path: string): { values: string[], types: string[] } {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest)
  const values: string[] = []
  const types: string[] = []
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause != null && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) {
        (statement.isTypeOnly || element.isTypeOnly ? types : values).push(element.name.text)
      }
    } else if (hasExportModifier(statement)) {
      for (const name of declaredNames(statement)) {
        (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) ? types : values).push(name)
      }
    }
  }
  return { values, types }
}

function hasExportModifier (statement: ts.Statement): boolean {
  return ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some(m => m.kind === ts.SyntaxKind.ExportKeyword)
}

/** Top-level names a statement declares (imports included), so an example's own names win over the prelude's. */
function declaredNames (statement: ts.Statement): string[] {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap(d => bindingNames(d.name))
  }
  if ((ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement) || ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name != null) {
    return [statement.name.text]
  }
  if (ts.isImportDeclaration(statement) && statement.importClause != null) {
    const clause = statement.importClause
    const names = clause.name != null ? [clause.name.text] : []
    const bindings = clause.namedBindings
    if (bindings != null && ts.isNamespaceImport(bindings)) { names.push(bindings.name.text) }
    if (bindings != null && ts.isNamedImports(bindings)) { names.push(...bindings.elements.map(e => e.name.text)) }
    return names
  }
  return []
}

function bindingNames (name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) { return [name.text] }
  return name.elements.flatMap(e => ts.isOmittedExpression(e) ? [] : bindingNames(e.name))
}

interface Scope { module: string, values: string[], types: string[] }

/**
 * The module an example is checked as: imports of every name it uses from the public API, the internal API or the
 * prelude that it does not declare itself, then the example as written. Returns the code and its header's line count.
 */
function exampleModule (example: DocExample, scopes: Scope[]): { code: string, header: number } {
  const source = ts.createSourceFile('example.ts', example.code, ts.ScriptTarget.Latest)
  const taken = new Set(source.statements.flatMap(declaredNames))
  const header: string[] = []
  for (const scope of scopes) {
    const names = [
      ...scope.values.filter(n => !taken.has(n)),
      ...scope.types.filter(n => !taken.has(n)).map(n => `type ${n}`)
    ]
    names.forEach(n => taken.add(n.replace(/^type /, '')))
    if (names.length > 0) { header.push(`import { ${names.join(', ')} } from '${scope.module}'`) }
  }
  header.push('export {}')
  return { code: `${header.join('\n')}\n${example.code}\n`, header: header.length }
}

/**
 * Type-checks every example with the project's compiler options, each as its own module in one program, and
 * returns the compiler's messages placed at the examples' lines. `foundation-mesh` resolves to `src/index.ts`.
 */
export function checkExamples (root: string, examples: DocExample[]): ExampleProblem[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: d => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')) }
  })
  if (config == null) { throw new Error('tsconfig.json could not be read') }
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    incremental: false,
    composite: false,
    declaration: false,
    declarationMap: false,
    // an example may compute a value only to show it
    noUnusedLocals: false,
    noUnusedParameters: false,
    paths: {
      [PUBLIC_MODULE]: [join(root, 'src/index.ts')],
      [INTERNAL_MODULE]: [join(root, 'src/internal.ts')],
      [BROWSER_MODULE]: [join(root, 'src/browser.ts')]
    }
  }
  const dir = join(root, EXAMPLE_DIR)
  const prelude = join(root, 'test/docs/prelude.ts')
  const scopes: Scope[] = [
    { module: PUBLIC_MODULE, ...exportedNames(join(root, 'src/index.ts')) },
    { module: INTERNAL_MODULE, ...exportedNames(join(root, 'src/internal.ts')) },
    { module: PRELUDE_MODULE, ...exportedNames(prelude) }
  ]
  const virtual = new Map<string, { example: DocExample, header: number, code: string }>()
  examples.forEach((example, i) => {
    const module = exampleModule(example, scopes)
    virtual.set(join(dir, `example-${i}.ts`), { example, ...module })
  })
  const files = new Map([...virtual].map(([path, v]) => [path, v.code]))

  const host = ts.createCompilerHost(options, true)
  const { fileExists, readFile, getSourceFile, directoryExists } = host
  host.fileExists = path => files.has(path) || fileExists.call(host, path)
  host.readFile = path => files.get(path) ?? readFile.call(host, path)
  host.directoryExists = path => path === dir || (directoryExists?.call(host, path) ?? ts.sys.directoryExists(path))
  host.getSourceFile = (path, language, onError, create) => {
    const code = files.get(path)
    return code != null ? ts.createSourceFile(path, code, language, true) : getSourceFile.call(host, path, language, onError, create)
  }

  const program = ts.createProgram({ rootNames: [...files.keys()], options, host })
  const problems: ExampleProblem[] = []
  for (const [path, { example, header }] of virtual) {
    const source = program.getSourceFile(path)
    if (source == null) { throw new Error(`example module ${path} was not loaded`) }
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
    for (const d of diagnostics) {
      const at = d.start != null ? source.getLineAndCharacterOfPosition(d.start).line : 0
      // a message about the generated imports points at the example's first line
      const line = example.line + Math.max(0, at - header)
      problems.push({ file: example.file, line, message: `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}` })
    }
  }
  const preludeSource = program.getSourceFile(prelude)
  for (const d of preludeSource != null ? program.getSemanticDiagnostics(preludeSource) : []) {
    problems.push({ file: relative(root, prelude), line: 0, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') })
  }
  return problems
}
