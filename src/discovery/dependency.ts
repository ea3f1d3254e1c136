// Loading the optional SDK a strategy needs only as it starts, with an error that says how to install it.
import { DiscoveryError } from './errors.ts'

/** The package a strategy needs is not installed, or failed to load. */
export class DiscoveryDependencyError extends DiscoveryError {
  static readonly name = 'DiscoveryDependencyError'
  /** the npm package to install */
  readonly dependency: string

  constructor (strategy: string, dependency: string, message: string, options?: ErrorOptions) {
    super(strategy, message, options)
    this.name = 'DiscoveryDependencyError'
    this.dependency = dependency
  }
}

/** How a strategy loads its SDK; tests replace it to see what happens when the package is missing. */
export type Loader<Module> = () => Promise<Module>

/** Runs `load`, turning any failure into a DiscoveryDependencyError that names the package. */
export async function loadDependency<Module> (strategy: string, dependency: string, load: Loader<Module>): Promise<Module> {
  try {
    return await load()
  } catch (err: any) {
    const missing = err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND'
    const message = missing
      ? `the ${dependency} package is not installed: run \`npm install ${dependency}\``
      : `the ${dependency} package failed to load (${err?.message ?? err}): reinstall it with \`npm install ${dependency}\``
    throw new DiscoveryDependencyError(strategy, dependency, message, { cause: err })
  }
}
