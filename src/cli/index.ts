// The `foundation` command line (dev, status, bench), and what an application run by `foundation dev` is given.
export { AppModuleError, BadIpcMessageError, MissingPartError, UnreachableNodeError, UsageError } from './errors.ts'
export type { DevApp, DevAppCleanup, DevAppContext } from './app.ts'
export type { Output } from './output.ts'
export type { BenchOptions } from './commands/bench.ts'
export type { DevOptions } from './commands/dev.ts'
export type { StatusOptions } from './commands/status.ts'
