// Two tabs linked directly: each page joins three Node members over WebSockets with the WebRTC transport, reserves a
// slot on a member's circuit relay, and announces a /webrtc address behind it. A call from one tab to an actor on the
// other opens a WebRTC link, signalled through the relay; the call and its answer travel on that link, not through
// the relay nor through a Node member. The cluster has a secret (an open cluster takes the same path without it): each
// tab joins with its ticket, and the relayed connection between two tabs needs none.
import { expect } from 'aegir/chai'
import { generateSecret } from '../../src/config/secret.ts'
import { Foundation } from '../../src/index.ts'
import { eventually } from '../fixtures/nodes.ts'
import { BrowserCluster } from './browser-cluster.ts'
import type { Page } from 'playwright-core'

/** One of a tab's open connections to the other tab, as that tab sees it. */
interface LinkSeen {
  address: string
  /** a relayed connection held to the relay's limits */
  limited: boolean
  /** the protocols of the streams open on it */
  protocols: string[]
}

describe('two browser members over WebRTC, with tickets to a cluster with a secret', function () {
  const secret = generateSecret()
  this.timeout(90_000)
  const cluster = new BrowserCluster('webrtc', { webRTC: true })
  const { members, pageErrors } = cluster

  before(async () => { await cluster.start(3, { secret }) })
  after(async () => { await cluster.stop() })

  async function openMember (name: string): Promise<{ page: Page, id: string }> {
    const page = await cluster.page(name)
    await page.exposeFunction('fetchTicket', async (peerId: string): Promise<string> => {
      return Foundation.issueTicket({ secret, clusterName: cluster.clusterName, peerId })
    })
    const id: string = await page.evaluate(async ({ clusterName, bootstrap, name, withTicket }) => {
      const { Foundation, webRTC } = (window as any).foundation
      const ticket = withTicket ? (window as any).fetchTicket : undefined
      // no STUN server: both tabs are on this machine, and the test has no network beyond it
      const cluster = await Foundation.start({ clusterName, bootstrap, name, ticket, webRTC: webRTC({ rtcConfiguration: { iceServers: [] } }) })
    ;(window as any).cluster = cluster
      class Counter {
        count = 0
        receive (message: { add: number }): string {
          this.count += message.add
          return `${name}: ${this.count}`
        }
      }
      await cluster.spawn(Counter, { name: `${name}-counter` })
      return cluster.id
    }, { clusterName: cluster.clusterName, bootstrap: cluster.bootstrap(), name, withTicket: true })
    return { page, id }
  }

  async function linksTo (page: Page, peer: string): Promise<LinkSeen[]> {
    return page.evaluate((peer) => {
      const connections = (window as any).cluster.host.getConnections().filter((c: any) => c.remotePeer.toString() === peer && c.status === 'open')
      return connections.map((c: any) => ({ address: c.remoteAddr.toString(), limited: c.limits != null, protocols: c.streams.map((s: any) => s.protocol) }))
    }, peer)
  }

  it('call each other\'s actors by name over a direct WebRTC link signalled through a member\'s relay', async () => {
    const a = await openMember('tab-a')
    const b = await openMember('tab-b')
    // each tab's record announces addresses behind a Node member's relay only, and WebRTC ones behind the relay's
    // WebSockets, which a tab can dial, never behind its TCP address
    const behindRelay = (addresses: string[] = []): boolean => addresses.every(address => address.includes('/p2p-circuit/')) &&
      addresses.some(address => /\/wss?\/p2p\/[^/]+\/p2p-circuit\/webrtc\//.test(address)) &&
      !addresses.some(address => /\/tcp\/\d+\/p2p\/[^/]+\/p2p-circuit\/webrtc\//.test(address))
    await eventually(() => members.every(m => behindRelay(m.membership.get(a.id)?.addresses) && behindRelay(m.membership.get(b.id)?.addresses)), () => `every member holds both tabs' WebRTC addresses (${JSON.stringify(members[0].membership.get(a.id)?.addresses)})`, 20_000)
    const relays = new Set(members.map(m => m.id))
    const relayOf = (address: string): string => address.split('/p2p-circuit/')[0].split('/p2p/')[1]
    for (const address of members[0].membership.get(a.id)?.addresses ?? []) { expect(relays.has(relayOf(address))).to.equal(true) }

    await eventually(async () => b.page.evaluate(async () => (window as any).cluster.call('tab-a-counter', { add: 2 }, { timeout: 5000 }).then((r: string) => r === 'tab-a: 2', () => false)), 'tab b calls tab a\'s actor', 30_000)
    expect(await a.page.evaluate(async () => (window as any).cluster.call('tab-b-counter', { add: 5 }))).to.equal('tab-b: 5')

    // the calls travelled on a WebRTC connection, each tab's messaging stream to the other open on it: not through the
    // relay, whose connection carried only the offer and answer
    const isWebRTC = (link: LinkSeen): boolean => link.address.includes('/webrtc') && !link.limited
    for (const [page, other] of [[b.page, a.id], [a.page, b.id]] as const) {
      const links = await linksTo(page, other)
      const messaging = links.filter(link => link.protocols.some(protocol => protocol.endsWith('/direct/1.0.0')))
      expect(messaging.length, JSON.stringify(links)).to.be.above(0)
      expect(messaging.every(isWebRTC), JSON.stringify(links)).to.equal(true)
    }

    // the tabs never probe each other, so neither suspects the other; the Node members watch both
    await new Promise(resolve => setTimeout(resolve, 3000))
    for (const { page, other } of [{ page: a.page, other: b.id }, { page: b.page, other: a.id }]) {
      expect(await page.evaluate((id) => (window as any).cluster.membership.get(id)?.status, other)).to.equal('alive')
    }
    expect(pageErrors).to.deep.equal([])
    await a.page.close({ runBeforeUnload: true })
    await b.page.close({ runBeforeUnload: true })
  })
})
