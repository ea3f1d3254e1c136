// Bundles the node process of `foundation dev` into dist/bundle/dev-node.mjs: `foundation dev --nodes 30` starts
// thirty of them at once. Run by `npm run build`, `npm start` and `npm test`.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundle } from './bundle.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
await bundle(join(root, 'src', 'cli', 'dev', 'node-process.ts'), join(root, 'dist', 'bundle', 'dev-node.mjs'))
