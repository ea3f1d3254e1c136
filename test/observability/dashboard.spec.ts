import { mkdir } from 'node:fs/promises'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { chromium } from 'playwright-core'
import { DASHBOARD_CSP, DASHBOARD_HTML } from '../../src/observability/dashboard/dashboard-page.ts'
import { Codec } from '../../src/wire/codec.ts'
import { killChildNode, startChildNode } from '../fixtures/child-node.ts'
import { ChromiumNotFoundError, findChromium } from '../fixtures/chromium.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import { repoRoot } from '../fixtures/script-process.ts'
import type { Actor } from '../../src/actors/index.ts'
import type { CacheStats } from '../../src/cache/index.ts'
import type { DashboardNode, DashboardSnapshot } from '../../src/observability/dashboard/dashboard-snapshot.ts'
import type { ChildNode } from '../fixtures/child-node.ts'
import type { Browser, Page } from 'playwright-core'

const WAIT = { timeout: 20_000 }

/** The graph's nodes as the page draws them: id, status and the name shown. */
async function graphNodes (page: Page): Promise<Array<{ id: string, status: string, text: string }>> {
  return page.$$eval('#graph g.node', gs => gs.map(g => ({
    id: g.getAttribute('data-node-id') ?? '',
    status: g.getAttribute('data-status') ?? '',
    text: g.textContent ?? ''
  })))
}

/** The cache panel's rows as the page draws them: the cell texts, and whether the rebalancing cell is marked. */
async function cacheRows (page: Page): Promise<Array<{ cells: string[], moving: boolean }>> {
  return page.$$eval('#caches tr[data-cache]', rows => rows.map(row => ({
    cells: [...row.querySelectorAll('td')].map(td => td.textContent ?? ''),
    moving: row.querySelector('td:last-child')?.classList.contains('moving') ?? false
  })))
}

/** Serves the page with one snapshot on its stream: for what a live cluster shows only now and then. */
async function servePage (snapshot: DashboardSnapshot): Promise<{ url: string, close(): void }> {
  const server = createServer((request, response) => {
    if (request.url === '/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.write(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`)
      return
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': DASHBOARD_CSP })
    response.end(DASHBOARD_HTML)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}/`, close: () => { server.closeAllConnections(); server.close() } }
}

const NO_COUNTS: CacheStats = { hits: 0, misses: 0, writes: 0, deletes: 0, evictions: 0, expirations: 0, moves: 0, entries: 0, bytes: 0, rebalancing: 0 }

function answered (id: string, name: string, caches: DashboardNode['caches']): DashboardNode {
  return { id, name, status: 'alive', self: id === 'p-alpha', answered: true, actorCount: 0, actors: [], actorsOmitted: 0, messageRate: 0, messagesIn: 0, messagesOut: 0, caches }
}

class Quiet implements Actor {
  receive (): void {}
}

describe('finding Chromium for the browser tests', () => {
  it('fails, naming the command that installs it, when no chromium is on PATH', () => {
    const empty = join(repoRoot(), 'test', 'no-such-dir')
    expect(() => findChromium(empty)).to.throw(ChromiumNotFoundError, /sudo apt-get install -y --no-install-recommends chromium/)
  })

  it('finds the chromium of this machine', () => {
    expect(findChromium()).to.match(/\/chromium$/)
  })
})

describe('the dashboard in Chromium', function () {
  this.timeout(60_000)
  let browser: Browser | undefined
  const children: ChildNode[] = []
  const nodes = new TestNodes()

  before(async () => {
    // no browser fails these tests (findChromium throws, naming the command that installs one): never a silent skip
    browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: ['--no-sandbox'] })
  })
  after(async () => { await browser?.close() })
  afterEach(async () => {
    await Promise.all(children.splice(0).map(async child => killChildNode(child)))
    await nodes.stopAll()
  })

  it('shows the three nodes of a live cluster, then the loss of a killed one', async () => {
    const cluster = uniqueCluster('dash')
    children.push(...await Promise.all([
      startChildNode(cluster, 'alpha', ['inventory', 'orders']),
      startChildNode(cluster, 'beta', ['payments']),
      startChildNode(cluster, 'gamma', ['mailer'])
    ]))
    const [alpha, beta, gamma] = children
    expect(alpha.http, 'the node serves HTTP').to.be.a('string')

    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(`${alpha.http}/`)
    await page.waitForFunction(() => document.querySelectorAll('#graph g.node[data-status="alive"]').length === 3 &&
      document.querySelectorAll('#graph line.link').length === 3, null, WAIT)
    const shown = await graphNodes(page)
    expect(shown.map(n => n.id)).to.have.members([alpha.id, beta.id, gamma.id])
    expect(shown.find(n => n.id === alpha.id)?.text).to.include('alpha (this node)')
    expect(shown.find(n => n.id === gamma.id)?.text).to.include('gamma')
    // actors per node, by name
    await page.waitForFunction(() => ['inventory', 'orders', 'payments', 'mailer'].every(name => document.getElementById('actors')?.textContent?.includes(name)), null, WAIT)
    expect(await page.textContent('#conn')).to.equal('live')

    await killChildNode(gamma)
    // suspected or declared dead, or already gone from the graph
    await page.waitForFunction((id) => {
      const g = document.querySelector(`#graph g.node[data-node-id="${id}"]`)
      return g == null || g.getAttribute('data-status') !== 'alive'
    }, gamma.id, WAIT)
    // then declared dead (kept, marked) or forgotten, with its leave in the events
    await page.waitForFunction((id) => {
      const g = document.querySelector(`#graph g.node[data-node-id="${id}"]`)
      const marked = g == null || g.getAttribute('data-status') === 'dead'
      const left = [...document.querySelectorAll('#events li[data-type="member:leave"]')].some(li => li.getAttribute('data-node-id') === id)
      return marked && left
    }, gamma.id, WAIT)
    const after = await graphNodes(page)
    expect(after.filter(n => n.status === 'alive').map(n => n.id)).to.have.members([alpha.id, beta.id])
    expect(await page.textContent('#events li[data-type="member:leave"]')).to.include('gamma')

    await mkdir(join(repoRoot(), 'test-artifacts'), { recursive: true })
    await page.screenshot({ path: join(repoRoot(), 'test-artifacts', 'dashboard.png'), fullPage: true })
  })

  it('shows names from the network as text, never as markup', async () => {
    const hostile = '<img src=x onerror="window.pwned=1">'
    const node = await nodes.start({ clusterName: uniqueCluster('dash'), name: hostile })
    await node.spawn(Quiet, { name: '<script>window.pwned=2</script>' })
    const page = await browser!.newPage()
    await page.goto(`${node.info().http}/dashboard`)
    await page.waitForFunction(() => document.querySelectorAll('#graph g.node').length === 1 &&
      (document.getElementById('actors')?.textContent ?? '').includes('window.pwned=2'), null, WAIT)
    expect(await page.evaluate(() => (window as any).pwned)).to.equal(undefined)
    expect(await page.$$('img')).to.have.length(0)
    expect(await page.$$('body script')).to.have.length(1)
    expect(await page.textContent('#graph g.node')).to.include(hostile)
  })

  it('shows each node\'s caches: hit ratio, hits, misses, entries, bytes and partitions rebalancing', async () => {
    const [a, b] = await nodes.startMany(2, { clusterName: uniqueCluster('dash') })
    await formed([a, b])
    a.cache('stock')
    b.cache('stock')
    await eventually(() => a.caches.unsynced() === 0 && b.caches.unsynced() === 0, 'both nodes hold their partitions')
    const stock = a.cache<string>('stock')
    for (let i = 0; i < 4; i++) { await stock.set(`k-${i}`, `v-${i}`) }
    for (const key of ['k-0', 'k-1', 'k-2', 'none']) { await stock.get(key) }

    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(`${a.info().http}/`)
    await page.waitForFunction(() => document.querySelectorAll('#caches tr[data-cache="stock"]').length === 2, null, WAIT)
    const codec = new Codec()
    const bytes = `${[0, 1, 2, 3].reduce((sum, i) => sum + codec.encode(`v-${i}`).byteLength, 0)} B`
    // two nodes, one backup: both keep all 4 entries; the reads were made on a
    expect(await cacheRows(page)).to.deep.equal([
      { cells: ['stock', `${a.name} (this node)`, '75%', '3', '1', '4', bytes, '0'], moving: false },
      { cells: ['stock', b.name, '–', '0', '0', '4', bytes, '0'], moving: false }
    ])
    expect(await page.getAttribute(`#caches tr[data-node-id="${b.id}"]`, 'data-cache')).to.equal('stock')
  })

  it('orders the cache rows by cache and node, marks partitions rebalancing, and says when no cache is open', async () => {
    const users = { ...NO_COUNTS, hits: 1, misses: 2, entries: 7, bytes: 1536, rebalancing: 3 }
    const snapshot: DashboardSnapshot = {
      time: Date.now(),
      cluster: 'fake',
      self: 'p-alpha',
      nodes: [
        answered('p-beta', 'beta', [{ name: 'users', ...users }, { name: 'carts', ...NO_COUNTS }]),
        answered('p-alpha', 'alpha', [{ name: 'users', ...NO_COUNTS, hits: 9, misses: 1, entries: 5, bytes: 3 * 1024 * 1024 }])
      ],
      links: []
    }
    const served = await servePage(snapshot)
    const empty = await servePage({ ...snapshot, nodes: [answered('p-alpha', 'alpha', [])] })
    try {
      const page = await browser!.newPage()
      await page.goto(served.url)
      await page.waitForFunction(() => document.querySelectorAll('#caches tr[data-cache]').length === 3, null, WAIT)
      expect(await cacheRows(page)).to.deep.equal([
        { cells: ['carts', 'beta', '–', '0', '0', '0', '0 B', '0'], moving: false },
        { cells: ['users', 'alpha (this node)', '90%', '9', '1', '5', '3 MiB', '0'], moving: false },
        { cells: ['users', 'beta', '33.3%', '1', '2', '7', '1.5 KiB', '3'], moving: true }
      ])
      await page.goto(empty.url)
      await page.waitForFunction(() => document.body.hasAttribute('data-updated'), null, WAIT)
      expect(await page.textContent('#caches')).to.equal('no caches opened')
    } finally {
      served.close()
      empty.close()
    }
  })
})
