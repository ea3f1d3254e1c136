// Browser members: two Node members share a counter actor and a chat topic with every tab that opens the page this
// script serves. Each tab joins the cluster itself, over WebSockets: open http://127.0.0.1:8080/ in two tabs, click,
// chat, and watch the Node side print what the tabs say. Ctrl-C or SIGTERM stops it.
// PORT chooses the page's port (0: any free one).
/* eslint-disable no-console */
import { createServer } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
// in an application of your own: import { Foundation } from 'foundation-mesh'
import { Foundation } from '../../src/index.ts'
import type { Actor, Cluster } from '../../src/index.ts'
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

const clusterName = 'browser-example'
const here = dirname(fileURLToPath(import.meta.url))
// the page's own bundle, as an application's bundler would make it
const bundle = await build({ entryPoints: [join(here, 'page.ts')], bundle: true, platform: 'browser', format: 'esm', minify: true, write: false, logLevel: 'silent' })
const pageScript = bundle.outputFiles[0].contents

const members: Cluster[] = []
for (let i = 1; i <= 2; i++) {
  members.push(await Foundation.start({
    clusterName,
    name: `node-${i}`,
    listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'],
    discovery: { mdns: false, ...(i > 1 ? { static: members[0].addresses().filter(a => !a.includes('/ws')) } : {}) },
    http: { enabled: false }
  }))
}
await members[0].spawn(Counter, { name: 'counter' })
members[1].pubsub.subscribe<{ from: string, text: string }>('chat', (message) => { console.log(`chat: ${message.from}: ${message.text}`) })
members[0].addEventListener('member:join', (evt) => { console.log(`joined ${evt.detail.name}`) })
members[0].addEventListener('member:leave', (evt) => { console.log(`left ${evt.detail.name} (${evt.detail.status})`) })

const config = JSON.stringify({ clusterName, bootstrap: members.flatMap(m => m.addresses().filter(a => a.includes('/ws/'))) })
const server = createServer((req, res) => {
  if (req.url === '/page.js') { res.writeHead(200, { 'content-type': 'text/javascript' }).end(pageScript); return }
  if (req.url === '/config.json') { res.writeHead(200, { 'content-type': 'application/json' }).end(config); return }
  if (req.url === '/') { res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE); return }
  res.writeHead(404).end()
})
await new Promise<void>(resolve => server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', resolve))
console.log(`open http://127.0.0.1:${(server.address() as AddressInfo).port}/ in two tabs`)

let stopping = false
async function stop (signal: NodeJS.Signals): Promise<void> {
  if (stopping) { return }
  stopping = true
  console.log(`stopping (${signal})`)
  server.close()
  await Promise.all(members.map(async member => member.stop()))
  console.log('stopped')
  process.exit(0)
}
process.on('SIGINT', (signal) => { void stop(signal) })
process.on('SIGTERM', (signal) => { void stop(signal) })
