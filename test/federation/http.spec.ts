// One HTTP endpoint for every cluster of a process: each cluster's own routes under /clusters/<name>/, and at the top
// an index page, every cluster's info, health and readiness of them all, and their metrics merged into one exposition.
import { expect } from 'aegir/chai'
import { chromium } from 'playwright-core'
import { ConfigError } from '../../src/config/errors.ts'
import { resolveFederation } from '../../src/federation/federation-config.ts'
import { CLUSTER_LABEL } from '../../src/federation/federation-http.ts'
import { findChromium } from '../fixtures/chromium.ts'
import { TestFederations } from '../fixtures/federations.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { FoundationFederation } from '../../src/federation/federation.ts'
import type { FederationInit } from '../../src/federation/index.ts'

async function get (url: string): Promise<{ status: number, type: string, body: string, location: string | null }> {
  const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) })
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text(), location: response.headers.get('location') }
}

/** the lines `# TYPE <name> ...` of an exposition, by metric name */
function typeLines (exposition: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const line of exposition.split('\n')) {
    const name = /^# TYPE (\S+) /.exec(line)?.[1]
    if (name != null) { counts.set(name, (counts.get(name) ?? 0) + 1) }
  }
  return counts
}

describe('federation: one HTTP endpoint for every cluster', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()
  const federations = new TestFederations(nodes.cuts)
  const [app, ai] = [uniqueCluster('app'), uniqueCluster('ai')]
  let federation: FoundationFederation
  let url: string

  before(async () => {
    federation = await federations.start({ clusters: { [app]: {}, [ai]: {} }, http: { port: 0 } })
    // a second member of app, started alone, so the app cluster has two
    const other = await nodes.start({ clusterName: app })
    await formed([federation.get(app), other])
    url = federation.info().http ?? ''
  })
  after(async () => {
    await federations.stopAll()
    await nodes.stopAll()
  })

  it('says where it serves, and where each cluster\'s routes are', () => {
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(federation.get(app).info().http).to.equal(`${url}/clusters/${app}`)
    expect(federation.get(ai).info().http).to.equal(`${url}/clusters/${ai}`)
  })

  it('serves each cluster\'s own routes under /clusters/<name>/, its dashboard included', async () => {
    const appInfo = JSON.parse((await get(`${url}/clusters/${app}/cluster`)).body)
    expect(appInfo).to.include({ cluster: app, nodes: 2 })
    expect(JSON.parse((await get(`${url}/clusters/${ai}/cluster`)).body)).to.include({ cluster: ai, nodes: 1 })
    // the dashboard's stream is a relative path: the page is served at the prefix with a trailing slash
    const bare = await get(`${url}/clusters/${app}`)
    expect(bare.status).to.equal(301)
    expect(bare.location).to.equal(`/clusters/${app}/`)
    const dashboard = await get(`${url}/clusters/${app}/`)
    expect(dashboard.status).to.equal(200)
    expect(dashboard.type).to.match(/^text\/html/)
    expect(dashboard.body).to.include("new EventSource('events')")
    // the live stream stays open: its status is enough
    const stream = new AbortController()
    const events = await fetch(`${url}/clusters/${app}/events`, { signal: stream.signal })
    stream.abort()
    expect(events.status, 'the stream answers under the prefix').to.equal(200)
    expect(events.headers.get('content-type')).to.match(/^text\/event-stream/)
    await eventually(async () => (await get(`${url}/clusters/${ai}/readyz`)).status === 200, 'the ai node is ready')
    const unknown = await get(`${url}/clusters/nowhere/cluster`)
    expect(unknown.status).to.equal(404)
    expect(JSON.parse(unknown.body).paths).to.include(`/clusters/${app}/`)
  })

  it('shows every cluster on one page, and their info in one answer', async () => {
    const page = await get(`${url}/`)
    expect(page.status).to.equal(200)
    expect(page.body).to.include(`href="clusters/${app}/"`).and.include(`href="clusters/${ai}/"`)
    const info = JSON.parse((await get(`${url}/clusters`)).body)
    expect(Object.keys(info.clusters)).to.deep.equal([app, ai])
    expect(info.clusters[app].nodes).to.equal(2)
    expect(info.http).to.equal(url)
  })

  it('answers health and readiness for all the clusters together', async () => {
    const health = await get(`${url}/healthz`)
    expect(health.status).to.equal(200)
    expect(Object.keys(JSON.parse(health.body).clusters)).to.deep.equal([app, ai])
    await eventually(async () => (await get(`${url}/readyz`)).status === 200, 'every cluster is ready')
    expect(JSON.parse((await get(`${url}/readyz`)).body).clusters[ai].ready).to.equal(true)
  })

  it('merges the clusters\' metrics into one exposition, each series labelled with its cluster and each metric typed once', async () => {
    const metrics = await get(`${url}/metrics`)
    expect(metrics.status).to.equal(200)
    const members = metrics.body.split('\n').filter(line => line.startsWith('foundation_members{'))
    expect(members.some(line => line.includes(`${CLUSTER_LABEL}="${app}"`)), members.join('\n')).to.equal(true)
    expect(members.some(line => line.includes(`${CLUSTER_LABEL}="${ai}"`)), members.join('\n')).to.equal(true)
    const repeated = [...typeLines(metrics.body)].filter(([, count]) => count > 1)
    expect(repeated).to.deep.equal([])
    expect(typeLines(metrics.body).size).to.be.above(20)
  })

  it('leads from the index page to each cluster\'s live dashboard, in Chromium', async () => {
    const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: ['--no-sandbox'] })
    try {
      const page = await browser.newPage()
      await page.goto(`${url}/`)
      const rows = await page.$$eval('table tr td:first-child', cells => cells.map(cell => cell.textContent))
      expect(rows).to.include.members([app, ai])
      await page.click(`a[href="clusters/${app}/"]`)
      // the dashboard's stream, a path relative to the page, reaches the app node under its prefix
      await page.waitForFunction(() => document.querySelectorAll('#graph g.node[data-status="alive"]').length === 2, null, { timeout: 20_000 })
      expect(page.url()).to.equal(`${url}/clusters/${app}/`)
      expect(await page.textContent('#conn')).to.equal('live')
    } finally {
      await browser.close()
    }
  })

  it('stops serving when the federation stops', async () => {
    await federation.stop()
    const refused = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) }).then(() => 'answered', () => 'refused')
    expect(refused).to.equal('refused')
  })
})

describe('federation http options', () => {
  function fieldOf (init: unknown): string {
    try {
      resolveFederation(init as FederationInit, {})
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError)
      return (err as ConfigError).field
    }
    throw new Error('resolved without an error')
  }

  it('names the field that is wrong, and refuses an entry\'s own http beside the federation\'s', () => {
    expect(fieldOf({ clusters: { app: {} }, http: { port: 70_000 } })).to.equal('http.port')
    expect(fieldOf({ clusters: { app: {} }, http: { prot: 9464 } })).to.equal('http.prot')
    expect(fieldOf({ clusters: { app: {} }, http: 'on' })).to.equal('http')
    expect(fieldOf({ clusters: { app: {}, ai: { http: { port: 9465 } } }, http: {} })).to.equal('clusters.ai.http')
  })

  it('has the nodes served by the federation, with metrics unless an entry turns them off', () => {
    const configs = resolveFederation({ clusters: { app: {}, ai: { metrics: { enabled: false } } }, http: {} }, {})
    expect(configs.map(({ config }) => [config.http.mounted, config.metrics.enabled])).to.deep.equal([[true, true], [true, false]])
    // without the federation's http, each entry's own stands
    expect(resolveFederation({ clusters: { app: { http: { enabled: false } } } }, {})[0].config.http.mounted).to.equal(undefined)
    expect(resolveFederation({ clusters: { app: {} }, http: { enabled: false } }, {})[0].config.http.mounted).to.equal(undefined)
  })
})
