// `foundation bench [suite...]`: runs the benchmarks of a source checkout, each suite in a process of its own.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Command } from 'commander'
import { MissingPartError, UsageError } from '../errors.ts'
import { packageRoot } from '../package-root.ts'
import type { Output } from '../output.ts'

export interface BenchOptions {
  list?: boolean
}

function benchRunner (): { root: string, script: string } {
  const root = packageRoot()?.dir
  const script = root != null ? join(root, 'benchmarks', 'run.ts') : undefined
  if (root == null || script == null || !existsSync(script)) {
    throw new MissingPartError('the benchmarks come with a source checkout of foundation-mesh (benchmarks/run.ts was not found)')
  }
  return { root, script }
}

/** Runs the runner with `args` in the package folder (where it writes its results); its exit code. */
async function runRunner (root: string, script: string, args: string[], stdout: 'inherit' | 'pipe'): Promise<{ code: number, text: string }> {
  const child = spawn(process.execPath, [script, ...args], { cwd: root, stdio: ['ignore', stdout, 'inherit'] })
  let text = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { text += chunk })
  const [code, signal] = await once(child, 'close') as [number | null, NodeJS.Signals | null]
  return { code: code ?? (signal != null ? 1 : 0), text }
}

async function suites (root: string, script: string): Promise<string[]> {
  const { code, text } = await runRunner(root, script, ['--list'], 'pipe')
  if (code !== 0) { throw new MissingPartError(`${script} --list failed with code ${code}`) }
  return text.split('\n').map(line => line.trim()).filter(line => line !== '')
}

export async function runBench (names: string[], options: BenchOptions, output: Output): Promise<number> {
  const { root, script } = benchRunner()
  const known = await suites(root, script)
  if (options.list === true) {
    for (const name of known) { output.line(name) }
    return 0
  }
  const unknown = names.filter(name => !known.includes(name))
  if (unknown.length > 0) { throw new UsageError(`unknown benchmark ${unknown.map(n => `"${n}"`).join(', ')}; one of: ${known.join(', ')}`) }
  // no suite named: the runner runs them all and writes the summary
  if (names.length === 0) { return (await runRunner(root, script, [], 'inherit')).code }
  let failed = 0
  for (const name of names) {
    if ((await runRunner(root, script, [name], 'inherit')).code !== 0) { failed++ }
  }
  return failed > 0 ? 1 : 0
}

export function benchCommand (output: Output, finish: (code: number) => void): Command {
  return new Command('bench')
    .description('run the benchmarks of a source checkout (all, or the suites named), each beside its baseline')
    .argument('[suite...]', 'suites to run (default: all, and the results summary is rewritten)')
    .option('--list', 'list the suites')
    .action(async (names: string[], options: BenchOptions) => { finish(await runBench(names, options, output)) })
}
