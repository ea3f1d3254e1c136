import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { chromium } from 'playwright-core'
import { killChildNode, startChildNode } from '../fixtures/child-node.ts'
import { ChromiumNotFoundError, findChromium } from '../fixtures/chromium.ts'
import { TestNodes, uniqueCluster } from '../fixtures/nodes.ts'
import { repoRoot } from '../fixtures/script-process.ts'
import type { Actor } from '../../src/actors/index.ts'
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
})
