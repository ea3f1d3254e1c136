// Browser members under `foundation dev`: every dev node listens on WebSockets beside TCP, and node-1 serves a page
// whose tabs join the cluster themselves. The tabs and the Node members share a counter actor (on node-1) and a chat
// topic; node-1 prints who joins and leaves and what the tabs say.
//   npm start -- examples/browser/app.ts      (PORT chooses the page's port, 0 any free one; default 8080)
// then open http://127.0.0.1:8080/ in two tabs.
/* eslint-disable no-console */
import { createServer } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
// in an application of your own: import type { ... } from 'foundation-mesh'
import type { Actor, Cluster, DevApp } from '../../src/index.ts'
import type { AddressInfo } from 'node:net'

class Counter implements Actor<{ inc?: number, get?: boolean }, number> {
  count = 0
  receive (message: { inc?: number }): number {
    this.count += message.inc ?? 0
    return this.count
  }
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Foundation in the browser</title></head><body>
<h1>Foundation in the browser</h1>
<p>this tab: <b id="me">…</b> · <span id="status">joining…</span></p>
<p>members: <span id="members"></span></p>
<p>counter: <b id="count">?</b> <button id="increment">+1</button></p>
<form id="chat"><input id="text" autocomplete="off" placeholder="say something"> <button>send</button></form>
<ul id="messages"></ul>
<script type="module" src="/page.js"></script></body></html>`

/** Where a tab joins: the WebSockets address of every Node member alive now, as the members announce them. */
function bootstrapOf (cluster: Cluster): string[] {
  const nodes = cluster.members().filter(m => m.status === 'alive' && !m.roles.includes('$browser'))
  return nodes.flatMap(m => m.addresses.filter(address => /\/wss?(\/p2p\/[^/]+)?$/.test(address)).map(address => address.includes('/p2p/') ? address : `${address}/p2p/${m.id}`))
}

const app: DevApp = async (cluster, { index }) => {
  if (index !== 1) { return }
  await cluster.spawn(Counter, { name: 'counter' })
  cluster.pubsub.subscribe<{ from: string, text: string }>('chat', (message) => { console.log(`chat: ${message.from}: ${message.text}`) })
  cluster.addEventListener('member:join', (evt) => { console.log(`joined ${evt.detail.name}`) })
  cluster.addEventListener('member:leave', (evt) => { console.log(`left ${evt.detail.name} (${evt.detail.status})`) })

  // the page's own bundle, as an application's bundler would make it
  const here = dirname(fileURLToPath(import.meta.url))
  const bundle = await build({ entryPoints: [join(here, 'page.ts')], bundle: true, platform: 'browser', format: 'esm', minify: true, write: false, logLevel: 'silent' })
  const pageScript = bundle.outputFiles[0].contents
  const server = createServer((req, res) => {
    if (req.url === '/page.js') { res.writeHead(200, { 'content-type': 'text/javascript' }).end(pageScript); return }
    if (req.url === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ clusterName: cluster.info().cluster, bootstrap: bootstrapOf(cluster) }))
      return
    }
    if (req.url === '/') { res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE); return }
    res.writeHead(404).end()
  })
  await new Promise<void>(resolve => server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', resolve))
  console.log(`open http://127.0.0.1:${(server.address() as AddressInfo).port}/ in two tabs`)
  return async () => {
    // a tab left open holds a keep-alive connection, which would hold the close
    server.closeAllConnections()
    await new Promise<void>(resolve => { server.close(() => { resolve() }) })
  }
}

export default app
