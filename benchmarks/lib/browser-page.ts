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

export interface BundleOptions {
  /** adds `webRTC` and `webRTCDirect` of `@libp2p/webrtc` to the bundle's exports, as a page that uses them imports them */
  webRTC?: boolean
}

/** Bundles src/browser.ts; fails on any import a browser cannot load (node: modules and unresolved ones). */
export async function bundleBrowserEntry (options: BundleOptions = {}): Promise<BrowserBundle> {
  const root = REPO_ROOT
  const entry = options.webRTC === true
    ? { stdin: { contents: "export * from './src/browser.ts'\nexport { webRTC, webRTCDirect } from '@libp2p/webrtc'\n", resolveDir: root, loader: 'ts' as const, sourcefile: 'page.ts' } }
    : { entryPoints: [join(root, 'src', 'browser.ts')] }
  const result = await build({
    ...entry,
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: process.env.BUNDLE_MINIFY !== 'false',
    write: false,
    metafile: true,
    logLevel: 'silent'
  })
  return { code: result.outputFiles[0].contents, inputs: Object.keys(result.metafile.inputs) }
}

export async function startPageServer (options: BundleOptions = {}): Promise<PageServer> {
  const bundle = (await bundleBrowserEntry(options)).code
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
