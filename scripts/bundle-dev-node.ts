// Bundles the node process of `foundation dev` into one file: a process that loads one module instead of several
// hundred starts on a third of the CPU, and `foundation dev --nodes 30` starts thirty of them at once.
// Run by `npm run build`, `npm start` and `npm test`; writes dist/bundle/dev-node.mjs.
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outfile = join(root, 'dist', 'bundle', 'dev-node.mjs')

await mkdir(dirname(outfile), { recursive: true })
await build({
  entryPoints: [join(root, 'src', 'cli', 'dev', 'node-process.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  // a native addon, and the cloud SDKs that discovery loads only when asked for: resolved from node_modules at run time
  external: ['sodium-native', '@aws-sdk/client-ec2', '@google-cloud/compute', 'etcd3'],
  // the CommonJS dependencies inside an ES module bundle still call require()
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  logLevel: 'warning'
})
