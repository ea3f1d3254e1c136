// The browser entry as an application's bundler sees it: it bundles for the browser platform with no Node module
// (esbuild fails on a node: import it cannot resolve) and stays within its size budget.
import { gzipSync } from 'node:zlib'
import { expect } from 'aegir/chai'
import { bundleBrowserEntry } from '../../benchmarks/lib/browser-page.ts'

/** the budget for a member over WebSockets, gzip */
const MAX_GZIP_BYTES = 350 * 1024

describe('the browser bundle', function () {
  this.timeout(60_000)

  it(`bundles for the browser with no Node module, in at most ${MAX_GZIP_BYTES / 1024} KiB gzip`, async () => {
    const { code, inputs } = await bundleBrowserEntry()
    const gzip = gzipSync(code, { level: 9 }).byteLength
    expect(gzip, `${code.byteLength} bytes minified, ${gzip} gzip`).to.be.at.most(MAX_GZIP_BYTES)
    // what the platform injects stays out: Node's crypto and HTTP, the cloud strategies, the config schema, and the
    // admission side a member runs (a page carries its ticket, it never checks one)
    const ours = inputs.filter(input => input.startsWith('src/'))
    expect(ours.filter(input => /^src\/(platform\/node|observability\/http|admission\/(tickets|ticket-gate|issue)\.ts|config\/(schema|resolve|env|file)\.ts)/.test(input)), 'Node-only files').to.deep.equal([])
    expect(ours.filter(input => input.startsWith('src/discovery/') && !/^src\/discovery\/(static\/index|candidates|polling-discovery|cluster-discovery|errors|index)\.ts$/.test(input)), 'discovery beyond the static strategy').to.deep.equal([])
    expect(inputs.filter(input => /node_modules\/(zod\/v4\/classic|etcd3|@aws-sdk|@google-cloud|prom-client|@libp2p\/tcp|@libp2p\/mdns)\//.test(input)), 'Node-only packages').to.deep.equal([])
  })
})
