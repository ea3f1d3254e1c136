// The `foundation` command and its subcommands, set to answer bad input with one line instead of a help page.
import { Command, CommanderError } from 'commander'
import { benchCommand } from './commands/bench.ts'
import { devCommand } from './commands/dev.ts'
import { statusCommand } from './commands/status.ts'
import { UsageError } from './errors.ts'
import type { Output } from './output.ts'

/** commander's message as one line: without its "error: " prefix, a suggestion on the same line */
function oneLine (text: string): string {
  return text.replace(/^error: /, '').split('\n').map(part => part.trim()).filter(part => part !== '').join(' ')
}

function configure (command: Command, output: Output): Command {
  command
    .exitOverride()
    .configureOutput({
      writeOut: (text) => { process.stdout.write(text) },
      writeErr: (text) => { process.stderr.write(text) },
      // the message is thrown as a UsageError by exitOverride and printed once by main
      outputError: () => {}
    })
    .showHelpAfterError(false)
  for (const sub of command.commands) { configure(sub, output) }
  return command
}

export function createProgram (output: Output, version: string, finish: (code: number) => void): Command {
  const program = new Command('foundation')
    .description('Foundation: Node services as one cluster on libp2p')
    .usage('<command> [options]')
    .version(version, '-V, --version')
    .addCommand(devCommand(output, finish))
    .addCommand(statusCommand(output, finish))
    .addCommand(benchCommand(output, finish))
    // no command, or an unknown one, is a mistake to say in one line, not a help page
    .argument('[command]')
    .allowExcessArguments()
    .action((name?: string) => {
      throw new UsageError(`${name == null ? 'a command is needed' : `unknown command "${name}"`}: dev, status or bench (foundation --help lists them)`)
    })
  return configure(program, output)
}

/** A CommanderError as the UsageError it is, or undefined when it only ended the help or version output. */
export function usageErrorOf (err: CommanderError): UsageError | undefined {
  if (err.exitCode === 0) { return undefined }
  return new UsageError(oneLine(err.message))
}

export { CommanderError }
