// Runs the `foundation` command for real, as a child process: from dist when built, else from source. Knows the
// pids of the node processes `foundation dev` prints, so cleanup can end every one of them by pid.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot, ScriptProcess } from '../fixtures/script-process.ts'
import type { ScriptOptions } from '../fixtures/script-process.ts'

/** the CLI's entry: the built one when there is a build (npm test builds first), else the source */
export function cliScript (): string {
  return existsSync(join(repoRoot(), 'dist', 'src', 'cli', 'main.js')) ? 'dist/src/cli/main.js' : 'src/cli/main.ts'
}

export function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export class CliRun extends ScriptProcess {
  constructor (args: string[], options: Omit<ScriptOptions, 'args'> = {}) {
    super(`foundation ${args.join(' ')}`, cliScript(), { ...options, args })
  }

  matching (pattern: RegExp): string[] {
    return this.stdout.filter(line => pattern.test(line))
  }

  /** every node process it started, as it printed them ("pid N") */
  nodePids (): number[] {
    const pids = this.stdout.flatMap(line => [...line.matchAll(/\bpid (\d+)\b/g)].map(match => Number(match[1])))
    return [...new Set(pids)]
  }

  /** the HTTP endpoint of each node, as printed once the cluster formed */
  urls (): Map<string, string> {
    const urls = new Map<string, string>()
    for (const line of this.stdout) {
      const match = /^ {2}(node-\d+) {2}(http:\/\/\S+) {2}pid \d+$/.exec(line)
      if (match != null) { urls.set(match[1], match[2]) }
    }
    return urls
  }

  /** ends this run and every node process it printed, by pid; for cleanup, also after a failed test */
  override async kill (): Promise<void> {
    for (const pid of this.nodePids()) {
      if (isAlive(pid)) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // it exited meanwhile
        }
      }
    }
    await super.kill()
  }
}
