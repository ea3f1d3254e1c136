#!/usr/bin/env node
// The `foundation` command line: `dev` runs a local cluster, `status` prints a node's view, `bench` runs the
// benchmarks. Every error ends it with one line on stderr and a non-zero exit.
import { exitCodeOf } from './errors.ts'
import { terminalOutput } from './output.ts'
import { packageRoot } from './package-root.ts'
import { CommanderError, createProgram, usageErrorOf } from './program.ts'

async function main (argv: string[]): Promise<number> {
  const output = terminalOutput()
  let code = 0
  const program = createProgram(output, packageRoot()?.version ?? 'unknown', (c) => { code = c })
  try {
    await program.parseAsync(argv)
    return code
  } catch (err) {
    const error = err instanceof CommanderError ? usageErrorOf(err) : err as Error
    if (error == null) { return 0 }
    output.error(`foundation: ${error.message}`)
    return exitCodeOf(error)
  }
}

process.exitCode = await main(process.argv)
