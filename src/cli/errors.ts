// Errors of the command line: each ends the command with one line on stderr and a non-zero exit.

/** A wrong flag, argument or file named on the command line (exit code 2). */
export class UsageError extends Error {
  static readonly name = 'UsageError'

  constructor (message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** The node named by `foundation status` could not be reached, or did not answer as a Foundation node. */
export class UnreachableNodeError extends Error {
  static readonly name = 'UnreachableNodeError'

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'UnreachableNodeError'
  }
}

/** Something the command needs is missing where it runs, such as the benchmarks outside a source checkout. */
export class MissingPartError extends Error {
  static readonly name = 'MissingPartError'

  constructor (message: string) {
    super(message)
    this.name = 'MissingPartError'
  }
}

/** A message on the IPC channel between `foundation dev` and a node process was not one of ours. */
export class BadIpcMessageError extends Error {
  static readonly name = 'BadIpcMessageError'

  constructor (message: string) {
    super(message)
    this.name = 'BadIpcMessageError'
  }
}

/** The exit code for an error that ends a command. */
export function exitCodeOf (err: Error): number {
  return err.name === UsageError.name ? 2 : 1
}

/** The application module given to `foundation dev` does not export a function to run. */
export class AppModuleError extends Error {
  static readonly name = 'AppModuleError'

  constructor (message: string) {
    super(message)
    this.name = 'AppModuleError'
  }
}
