// browser: a member in a Chromium tab beside three Node members in this process (TCP between them, WebSockets to the
// tab), on 127.0.0.1. Measured: the time from `Foundation.start()` in the page to the tab being alive in every
// member's view; calls page → Node and Node → page beside Node → Node in the same run, and page → page over WebRTC
// (signalled through a member's relay); publications Node → page beside Node → Node; the bundle's size, alone and with
// @libp2p/webrtc. The baseline is Node → Node: the ratio is the page's call p99 over it.
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'
import { startFoundationNode } from '../../src/cluster/start-node.ts'
import { resolveConfig } from '../../src/config/resolve.ts'
import { findChromium } from '../../test/fixtures/chromium.ts'
import { bundleBrowserEntry, startPageServer } from '../lib/browser-page.ts'
import { makeResult, round2 } from '../lib/result.ts'
import { percentile } from '../lib/stats.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { BenchResult } from '../lib/result.ts'
import type { BrowserContext, Page } from 'playwright-core'

const JOINS = 5
const CALLS = 1000
const WARM_UP = 100
const PUBLICATIONS = 300
const PUBLISH_EVERY_MS = 5
/** the figures, to confirm on first measurement */
const TARGETS = { joinMs: 2000, callP99Ms: 50, gzipBytes: 350 * 1024, withWebRTCGzipBytes: 450 * 1024 }

class Greeter {
  receive (message: { n: number }): number { return message.n }
}

const stats = (samples: number[]): { p50: number, p99: number } => ({ p50: round2(percentile(samples, 50)), p99: round2(percentile(samples, 99)) })

async function timedCalls (call: (n: number) => Promise<unknown>): Promise<number[]> {
  for (let n = 0; n < WARM_UP; n++) { await call(n) }
  const samples: number[] = []
  for (let n = 0; n < CALLS; n++) {
    const started = performance.now()
    await call(n)
    samples.push(performance.now() - started)
  }
  return samples
}

/** Starts a member in `page` (with WebRTC if asked) and resolves with the ms until every Node member counts it alive. */
async function join (page: Page, members: FoundationNode[], cluster: string, bootstrap: string[], name: string, webRTC = false): Promise<number> {
  const seen = members.map(member => new Promise<number>(resolve => {
    const onJoin = (evt: CustomEvent<{ name: string }>): void => {
      if (evt.detail.name !== name) { return }
      member.removeEventListener('member:join', onJoin as any)
      resolve(Date.now())
    }
    member.addEventListener('member:join', onJoin as any)
  }))
  const started = Date.now()
  await page.evaluate(async ({ cluster, bootstrap, name, webRTC }) => {
    const w = window as any
    const transport = webRTC ? { webRTC: w.foundation.webRTC({ rtcConfiguration: { iceServers: [] } }) } : {}
    w.cluster = await w.foundation.Foundation.start({ clusterName: cluster, bootstrap, name, ...transport })
  }, { cluster, bootstrap, name, webRTC })
  return Math.max(...await Promise.all(seen)) - started
}

/**
 * Calls to node-0 from a tab that joined through node-0's WebRTC-Direct address only, timed in the page; the link to
 * node-0 is checked to be WebRTC-Direct.
 */
async function overWebRTCDirect (context: BrowserContext, url: string, cluster: string, members: FoundationNode[]): Promise<number[]> {
  const tab = await context.newPage()
  await tab.goto(url)
  await tab.waitForFunction(() => (window as any).loaded === true)
  const bootstrap = members[0].addresses().filter(address => address.includes('/webrtc-direct/'))
  const samples: number[] = await tab.evaluate(async ({ cluster, bootstrap, calls, warmUp, node }) => {
    const w = window as any
    const member = await w.foundation.Foundation.start({ clusterName: cluster, bootstrap, name: 'direct-tab', webRTCDirect: w.foundation.webRTCDirect() })
    for (let n = 0; n < warmUp; n++) { await member.call('greeter', { n }, { timeout: 10_000 }) }
    const links = member.host.getConnections().filter((c: any) => c.remotePeer.toString() === node).map((c: any) => c.remoteAddr.toString())
    if (links.length === 0 || !links.every((address: string) => address.includes('/webrtc-direct'))) { throw new Error(`not over WebRTC-Direct: ${links.join(' ')}`) }
    const samples: number[] = []
    for (let n = 0; n < calls; n++) {
      const started = performance.now()
      await member.call('greeter', { n })
      samples.push(performance.now() - started)
    }
    return samples
  }, { cluster, bootstrap, calls: CALLS, warmUp: WARM_UP, node: members[0].id })
  await tab.close({ runBeforeUnload: true })
  return samples
}

export async function run (): Promise<BenchResult> {
  const bundle = await bundleBrowserEntry()
  const gzipBytes = gzipSync(bundle.code, { level: 9 }).byteLength
  const withWebRTC = await bundleBrowserEntry({ webRTC: true })
  const withWebRTCGzipBytes = gzipSync(withWebRTC.code, { level: 9 }).byteLength
  const cluster = `bench-browser-${Date.now().toString(36)}`
  const members: FoundationNode[] = []
  const server = await startPageServer({ webRTC: true })
  // two tabs of one machine link over loopback, which Chromium otherwise hides behind mDNS names
  const args = ['--no-sandbox', '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns']
  const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args })
  try {
    for (let i = 0; i < 3; i++) {
      const seeds = members.length > 0 ? { static: members[0].addresses().filter(a => !a.includes('/ws')) } : {}
      members.push(await startFoundationNode(resolveConfig({
        clusterName: cluster,
        name: `node-${i}`,
        listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws', '/ip4/127.0.0.1/udp/0/webrtc-direct'],
        discovery: { mdns: false, ...seeds },
        http: { enabled: false }
      })))
    }
    for (const member of members) { member.define(Greeter) }
    await members[0].spawn(Greeter, { name: 'greeter' })
    const bootstrap = members[0].addresses().filter(a => a.includes('/ws/'))
    const context = await browser.newContext()

    // joins: a fresh tab each time, closed (leaving) before the next
    const joins: number[] = []
    for (let i = 0; i < JOINS; i++) {
      const page = await context.newPage()
      await page.goto(server.url)
      await page.waitForFunction(() => (window as any).loaded === true)
      joins.push(await join(page, members, cluster, bootstrap, `tab-join-${i}`))
      await page.close({ runBeforeUnload: true })
    }

    const openTab = async (name: string): Promise<Page> => {
      const tab = await context.newPage()
      await tab.goto(server.url)
      await tab.waitForFunction(() => (window as any).loaded === true)
      await join(tab, members, cluster, bootstrap, name, true)
      await tab.evaluate(async (name) => {
        const w = window as any
        await w.cluster.spawn(class { receive (message: { n: number }): number { return message.n } }, { name: `${name}-greeter` })
      }, name)
      return tab
    }
    const page = await openTab('tab')
    const peer = await openTab('peer')
    await page.evaluate(() => {
      const w = window as any
      w.delays = []
      w.cluster.pubsub.subscribe('clock', (message: { at: number }) => { w.delays.push(Date.now() - message.at) })
    })

    const nodeToNode = await timedCalls(async (n) => members[1].call('greeter', { n }))
    const nodeToPage = await timedCalls(async (n) => members[1].call('tab-greeter', { n }))
    const fromPage = async (target: string): Promise<number[]> => page.evaluate(async ({ calls, warmUp, target }) => {
      const w = window as any
      // the first call to another tab opens the WebRTC link, which the warm-up leaves out
      for (let n = 0; n < warmUp; n++) { await w.cluster.call(target, { n }, { timeout: 10_000 }) }
      const samples: number[] = []
      for (let n = 0; n < calls; n++) {
        const started = performance.now()
        await w.cluster.call(target, { n })
        samples.push(performance.now() - started)
      }
      return samples
    }, { calls: CALLS, warmUp: WARM_UP, target })
    const pageToNode = await fromPage('greeter')
    const pageToPage = await fromPage('peer-greeter')
    const pageToNodeDirect = await overWebRTCDirect(context, server.url, cluster, members)
    // the connections the tab's messaging streams to the other tab run on: the WebRTC link, not the relay's
    const pageLink: string[] = await page.evaluate((peerName) => {
      const w = window as any
      const id = w.cluster.members().find((m: any) => m.name === peerName)?.id
      return w.cluster.host.getConnections()
        .filter((c: any) => c.remotePeer.toString() === id && c.streams.some((s: any) => s.protocol?.endsWith('/direct/1.0.0') === true))
        .map((c: any) => c.remoteAddr.toString())
    }, 'peer')
    if (pageLink.length === 0 || !pageLink.every(address => address.includes('/webrtc'))) { throw new Error(`the tabs' calls did not go over WebRTC: ${pageLink.join(', ')}`) }

    // publications from node-0, to the page and to node-2
    const nodeDelays: number[] = []
    members[2].pubsub.subscribe('clock', (message: { at: number }) => { nodeDelays.push(Date.now() - message.at) })
    await new Promise(resolve => setTimeout(resolve, 2000))
    for (let i = 0; i < PUBLICATIONS; i++) {
      await members[0].pubsub.publish('clock', { at: Date.now() })
      await new Promise(resolve => setTimeout(resolve, PUBLISH_EVERY_MS))
    }
    await new Promise(resolve => setTimeout(resolve, 1000))
    const pageDelays: number[] = await page.evaluate(() => (window as any).delays)
    await page.close({ runBeforeUnload: true })
    await peer.close({ runBeforeUnload: true })

    const join50 = round2(percentile(joins, 50))
    const calls = { pageToNode: stats(pageToNode), nodeToPage: stats(nodeToPage), nodeToNode: stats(nodeToNode), pageToPage: stats(pageToPage), pageToNodeDirect: stats(pageToNodeDirect) }
    const ratio = round2(calls.pageToNode.p99 / calls.nodeToNode.p99)
    return makeResult({
      name: 'browser',
      unit: 'ms',
      results: [
        { subject: 'tab joined, alive in every member\'s view (median)', value: join50, samples: joins },
        { subject: 'call page → Node', value: calls.pageToNode.p50, ...calls.pageToNode },
        { subject: 'call Node → page', value: calls.nodeToPage.p50, ...calls.nodeToPage },
        { subject: 'call Node → Node (baseline)', value: calls.nodeToNode.p50, ...calls.nodeToNode },
        { subject: 'call page → page over WebRTC', value: calls.pageToPage.p50, ...calls.pageToPage },
        { subject: 'call page → Node over WebRTC-Direct', value: calls.pageToNodeDirect.p50, ...calls.pageToNodeDirect },
        { subject: 'publication Node → page', value: stats(pageDelays).p50, ...stats(pageDelays), received: pageDelays.length },
        { subject: 'publication Node → Node', value: stats(nodeDelays).p50, ...stats(nodeDelays), received: nodeDelays.length },
        { subject: 'bundle, gzip (bytes)', value: gzipBytes, minified: bundle.code.byteLength },
        { subject: 'bundle with @libp2p/webrtc, gzip (bytes)', value: withWebRTCGzipBytes, minified: withWebRTC.code.byteLength }
      ],
      ratio,
      ratioOf: 'call p99 page → Node / Node → Node (lower is better)',
      target: `join < ${TARGETS.joinMs} ms, call p99 < ${TARGETS.callP99Ms} ms, bundle <= ${TARGETS.gzipBytes / 1024} KiB gzip (${TARGETS.withWebRTCGzipBytes / 1024} KiB with WebRTC)`,
      met: join50 < TARGETS.joinMs && calls.pageToNode.p99 < TARGETS.callP99Ms && calls.nodeToPage.p99 < TARGETS.callP99Ms && calls.pageToPage.p99 < TARGETS.callP99Ms &&
        calls.pageToNodeDirect.p99 < TARGETS.callP99Ms && gzipBytes <= TARGETS.gzipBytes && withWebRTCGzipBytes <= TARGETS.withWebRTCGzipBytes,
      notes: [
        `Chromium ${browser.version()} headless; 3 Node members in this process (TCP between them, WebSockets to the tab, noise and yamux on both); page and members on 127.0.0.1, no cluster secret`,
        `joins: ${JOINS} fresh tabs without WebRTC, each timed from Foundation.start() in the page to the last member's member:join; calls: ${WARM_UP} warm-up, then ${CALLS} sequential calls of a small message each way; page → page: two tabs of one Chromium, both with webRTC() (no ICE servers, loopback), the link checked to be WebRTC; page → Node over WebRTC-Direct: a tab that joined through node-0's WebRTC-Direct address, calling node-0 over that link; publications: ${PUBLICATIONS} from node-0 every ${PUBLISH_EVERY_MS} ms, delay by Date.now() (one machine, one clock)`,
        `bundle: src/browser.ts by esbuild for the browser, minified (${bundle.code.byteLength} bytes), gzip -9; with WebRTC: the same entry and webRTC of @libp2p/webrtc in one bundle`
      ]
    })
  } finally {
    await browser.close()
    await Promise.allSettled(members.map(async member => { await member.stop() }))
    await server.close()
  }
}
