// What the browser tests share: Node members on 127.0.0.1 listening on TCP and WebSockets, the page server with the
// browser entry's bundle, and Chromium, with pages that have loaded the entry and report their uncaught errors.
import { chromium } from 'playwright-core'
import { startPageServer } from '../../benchmarks/lib/browser-page.ts'
import { findChromium } from '../fixtures/chromium.ts'
import { TestNodes, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { BundleOptions, PageServer } from '../../benchmarks/lib/browser-page.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { FoundationInit } from '../../src/config/index.ts'
import type { Browser, Page } from 'playwright-core'

export class BrowserCluster {
  readonly clusterName: string
  readonly members: FoundationNode[] = []
  /** uncaught errors in the pages, `page label: message`: none is expected */
  readonly pageErrors: string[] = []
  private readonly nodes = new TestNodes()
  private browser: Browser | undefined
  private server: PageServer | undefined
  private readonly bundle: BundleOptions

  /** With `bundle.webRTC`, pages also get `webRTC` of `@libp2p/webrtc`, and Chromium may link them over loopback. */
  constructor (prefix: string, bundle: BundleOptions = {}) {
    this.clusterName = uniqueCluster(prefix)
    this.bundle = bundle
  }

  /**
   * Starts the page server, Chromium and `count` members connected to the first, with `secret`, `membership` and
   * `overlay` options when given, listening on TCP and WebSockets unless `listen` says otherwise.
   */
  async start (count: number, { secret, membership = {}, overlay, listen = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'] }: Pick<FoundationInit, 'secret' | 'membership' | 'overlay' | 'listen'> = {}): Promise<void> {
    this.server = await startPageServer(this.bundle)
    // WebRTC between two pages of this machine: its ICE candidates are 127.0.0.1, which Chromium would otherwise hide
    // behind mDNS names and refuse to pair
    const webRTC = this.bundle.webRTC === true ? ['--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'] : []
    this.browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: ['--no-sandbox', ...webRTC] })
    this.members.push(...await this.nodes.startMany(count, {
      clusterName: this.clusterName,
      listen,
      discovery: { mdns: false },
      membership,
      ...(overlay != null ? { overlay } : {}),
      ...(secret != null ? { secret } : {})
    }))
    // members reach each other over TCP: with a secret, a member never dials another over WebSockets
    const first = this.members[0].addresses().filter(address => address.includes('/tcp/') && !address.includes('/ws'))
    for (const member of this.members.slice(1)) { await member.connect(first) }
    await formed(this.members)
  }

  /** The first member's WebSockets addresses, as a page is given them to join through. */
  bootstrap (): string[] {
    return this.members[0].addresses().filter(address => address.includes('/ws/'))
  }

  /** A new page that has loaded the browser entry (as `window.foundation`); no member runs in it yet. */
  async page (label: string): Promise<Page> {
    if (this.browser == null || this.server == null) { throw new Error('the browser cluster is not started') }
    const page = await this.browser.newPage()
    page.on('pageerror', (err) => { this.pageErrors.push(`${label}: ${err.message}`) })
    await page.goto(this.server.url)
    await page.waitForFunction(() => (window as any).loaded === true)
    return page
  }

  async stop (): Promise<void> {
    await this.browser?.close()
    await this.nodes.stopAll()
    await this.server?.close()
  }
}
