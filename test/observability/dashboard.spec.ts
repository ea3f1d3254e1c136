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
import type { JobProgress } from '../../src/compute/index.ts'
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

/** The jobs panel's rows as the page draws them: the cell texts, the progress bar's value and max, the retried mark. */
async function jobRows (page: Page): Promise<Array<{ cells: string[], bar: [number, number], retrying: boolean }>> {
  return page.$$eval('#jobs tr[data-job]', rows => rows.map(row => {
    const bar = row.querySelector('progress')
    return {
      cells: [...row.querySelectorAll('td')].map(td => (td.textContent ?? '').trim()),
      bar: [Number(bar?.getAttribute('value')), Number(bar?.getAttribute('max'))] as [number, number],
      retrying: row.querySelector('td:nth-child(7)')?.classList.contains('moving') ?? false
    }
  }))
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

function answered (id: string, name: string, caches: DashboardNode['caches'], jobs: JobProgress[] = []): DashboardNode {
  return { id, name, status: 'alive', self: id === 'p-alpha', answered: true, actorCount: 0, actors: [], actorsOmitted: 0, messageRate: 0, messagesIn: 0, messagesOut: 0, caches, jobs }
}

function job (id: string, progress: Partial<JobProgress>): JobProgress {
  return { job: id, task: 'score', state: 'running', done: 0, inFlight: 0, retried: 0, items: 0, workers: 0, sourceEnded: false, ...progress }
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

  it('shows each job a node coordinates: its node, task, state, progress, chunks in flight, retried and workers', async () => {
    const [a, b] = await nodes.startMany(2, { clusterName: uniqueCluster('dash') })
    await formed([a, b])
    let release!: () => void
    const held = new Promise<void>(resolve => { release = resolve })
    for (const node of [a, b]) { node.task('held', async (items: number[]) => { await held; return items.length }) }
    const running = b.mapReduce(Array.from({ length: 30 }, (_, i) => i), 'held', (sum: number, n: number) => sum + n, { initial: 0, chunkSize: 10 })
    try {
      await eventually(() => b.compute.jobs()[0]?.inFlight === 3 && b.compute.jobs()[0]?.workers === 2, 'every chunk is sent')
      const id = b.compute.jobs()[0].job
      const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } })
      await page.goto(`${a.info().http}/`)
      await page.waitForFunction(() => document.querySelectorAll('#jobs tr[data-job]').length === 1, null, WAIT)
      expect(await jobRows(page)).to.deep.equal([
        { cells: [b.name, id.slice(0, 8), 'held', 'running', '0 / 3', '3', '0', '2'], bar: [0, 3], retrying: false }
      ])
      expect(await page.getAttribute('#jobs tr[data-job]', 'data-job')).to.equal(id)
      expect(await page.getAttribute('#jobs tr[data-job]', 'data-node-id')).to.equal(b.id)

      release()
      expect(await running).to.equal(30)
      await page.waitForFunction(() => document.querySelector('#jobs tr[data-job]')?.getAttribute('data-state') === 'done', null, WAIT)
      expect(await jobRows(page)).to.deep.equal([
        // a finished job keeps the count of members it had
        { cells: [b.name, id.slice(0, 8), 'held', 'done', '3 / 3', '0', '0', '2'], bar: [3, 3], retrying: false }
      ])
    } finally {
      release()
    }
  })

  it('lists the running jobs first, marks a total still growing and chunks retried, and says when there is no job', async () => {
    const snapshot: DashboardSnapshot = {
      time: Date.now(),
      cluster: 'fake',
      self: 'p-alpha',
      nodes: [
        answered('p-beta', 'beta', [], [job('b-running-1', { done: 7, inFlight: 4, retried: 2, workers: 3 })]),
        answered('p-alpha', 'alpha', [], [
          job('a-running-1', { task: 'hash', done: 40, inFlight: 2, workers: 2, sourceEnded: true }),
          job('a-failed-1', { state: 'failed', done: 5, inFlight: 1, retried: 3, workers: 1, sourceEnded: true }),
          job('a-done-1', { state: 'done', done: 12, sourceEnded: true })
        ])
      ],
      links: []
    }
    const served = await servePage(snapshot)
    const empty = await servePage({ ...snapshot, nodes: [answered('p-alpha', 'alpha', [])] })
    try {
      const page = await browser!.newPage()
      await page.goto(served.url)
      await page.waitForFunction(() => document.querySelectorAll('#jobs tr[data-job]').length === 4, null, WAIT)
      expect(await jobRows(page)).to.deep.equal([
        { cells: ['alpha (this node)', 'a-runnin', 'hash', 'running', '40 / 42', '2', '0', '2'], bar: [40, 42], retrying: false },
        { cells: ['beta', 'b-runnin', 'score', 'running', '7 / 11+', '4', '2', '3'], bar: [7, 11], retrying: true },
        { cells: ['alpha (this node)', 'a-failed', 'score', 'failed', '5 / 6', '1', '3', '1'], bar: [5, 6], retrying: true },
        { cells: ['alpha (this node)', 'a-done-1', 'score', 'done', '12 / 12', '0', '0', '0'], bar: [12, 12], retrying: false }
      ])
      await page.goto(empty.url)
      await page.waitForFunction(() => document.body.hasAttribute('data-updated'), null, WAIT)
      expect(await page.textContent('#jobs')).to.equal('no jobs')
    } finally {
      served.close()
      empty.close()
    }
  })
})
