// Which file a node process of `foundation dev` runs, and with what cache: start-up is most of a node's CPU when
// thirty of them start at once on a laptop.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = fileURLToPath(import.meta.url)
/** the node script beside this file, with this file's extension: `.ts` run from source, `.js` from dist */
const NODE_SCRIPT = join(dirname(HERE), `node-process${extname(HERE)}`)

/** The newest modification time of the files under `dir`, in ms. */
function newestUnder (dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) { newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs) }
  }
  return newest
}

/**
 * The one-file bundle of the node process (dist/bundle/dev-node.mjs, made by scripts/bundle-dev-node.ts) loads on
 * about a third of the CPU of several hundred modules. Only the built-in demo runs on it: an application module
 * importing foundation-mesh would get a second copy of the library beside the bundled one, and its error classes
 * would not match. Run from source, a bundle older than any source file is stale and is not used.
 */
export function devNodeScript (app: string | undefined): string {
  if (app != null) { return NODE_SCRIPT }
  // src/cli/dev or dist/src/cli/dev, below the package folder
  const srcDir = join(dirname(HERE), '..', '..')
  const fromSource = extname(HERE) === '.ts'
  const packageDir = fromSource ? join(srcDir, '..') : join(srcDir, '..', '..')
  const bundle = join(packageDir, 'dist', 'bundle', 'dev-node.mjs')
  if (!existsSync(bundle)) { return NODE_SCRIPT }
  if (fromSource && statSync(bundle).mtimeMs < newestUnder(srcDir)) { return NODE_SCRIPT }
  return bundle
}

/** Node's module compile cache for the node processes, shared by all of them and kept between runs. */
export function compileCacheEnv (): NodeJS.ProcessEnv {
  return { ...process.env, NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), 'foundation-compile-cache') }
}
