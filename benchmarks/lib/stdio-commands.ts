// The child side of benchmarks/lib/node-process.ts: JSON commands read from stdin, one a line, each answered with
// one JSON line on stdout; the process exits when its stdin closes (the harness went away).
import readline from 'node:readline'
import { errorMessage } from './util.ts'

export type Args = Record<string, unknown>
export type Commands = Record<string, (args: Args) => Promise<unknown>>

function answer (line: object): void {
  process.stdout.write(JSON.stringify(line) + '\n')
}

/** Serves `commands` and announces the node as started: `{ event: 'started', id, name }`. */
export function serveCommands (commands: Commands, started: { id: string, name: string }): void {
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    let request: { id: number, cmd: string, args?: Args }
    try {
      request = JSON.parse(line)
    } catch {
      return
    }
    const command = commands[request.cmd]
    if (command == null) {
      answer({ id: request.id, ok: false, error: `unknown command ${request.cmd}` })
      return
    }
    command(request.args ?? {}).then(
      (result) => { answer({ id: request.id, ok: true, result }) },
      (err) => { answer({ id: request.id, ok: false, error: errorMessage(err) }) }
    )
  })
  process.stdin.on('end', () => process.exit(0))
  answer({ event: 'started', ...started })
}
