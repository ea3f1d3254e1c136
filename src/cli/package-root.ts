// Finds this package's own folder from the running file, whether it runs from src/ or from dist/src/.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const PACKAGE_NAME = 'foundation-mesh'

export interface PackageRoot {
  dir: string
  version: string
}

/** The nearest folder above the CLI holding foundation-mesh's package.json, or undefined. */
export function packageRoot (): PackageRoot | undefined {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown, version?: unknown }
        if (pkg.name === PACKAGE_NAME) { return { dir, version: String(pkg.version) } }
      } catch {
        // not ours (or not readable): keep looking above
      }
    }
    const parent = dirname(dir)
    if (parent === dir) { return undefined }
    dir = parent
  }
}
