// A page for browser members: the browser entry bundled by esbuild for the browser (as an application's bundler
// would), and an HTML page that loads it, served on 127.0.0.1 (a secure context, where about:blank is not).
import { createServer } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>member</title></head><body>
<script type="module">
import * as foundation from '/foundation.js'
window.foundation = foundation
window.loaded = true
</script></body></html>`

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface PageServer {
  url: string
  /** bytes of the bundle, minified, before compression */
  bundleBytes: number
  close(): Promise<void>
}

export interface BrowserBundle {
  code: Uint8Array
  /** every file bundled, relative to the repository */
  inputs: string[]
}

/** Bundles src/browser.ts; fails on any import a browser cannot load (node: modules and unresolved ones). */
export async function bundleBrowserEntry (): Promise<BrowserBundle> {
  const root = REPO_ROOT
  const result = await build({
    entryPoints: [join(root, 'src', 'browser.ts')],
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent'
  })
  return { code: result.outputFiles[0].contents, inputs: Object.keys(result.metafile.inputs) }
}

export async function startPageServer (): Promise<PageServer> {
  const bundle = (await bundleBrowserEntry()).code
  const server: Server = createServer((req, res) => {
    if (req.url === '/foundation.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle)
    } else if (req.url === '/' || req.url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE)
    } else {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    bundleBytes: bundle.byteLength,
    close: async () => { await new Promise<void>(resolve => { server.close(() => { resolve() }) }) }
  }
}
