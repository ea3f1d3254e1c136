// A page joins Node members that listen on WebRTC-Direct and not on WebSockets: no CA certificate is needed, and the
// members' addresses carry their certificate's hash. The page dials them with `webRTCDirect()` of `@libp2p/webrtc`,
// joins, and calls and is called over those connections.
import { expect } from 'aegir/chai'
import { eventually } from '../fixtures/nodes.ts'
import { BrowserCluster } from './browser-cluster.ts'

class Greeter {
  receive (message: { who: string }): string { return `hello ${message.who}` }
}

describe('a browser member over WebRTC-Direct', function () {
  this.timeout(90_000)
  const cluster = new BrowserCluster('webrtc-direct', { webRTC: true })
  const { members, pageErrors } = cluster

  before(async () => {
    await cluster.start(2, { listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/udp/0/webrtc-direct'] })
    for (const member of members) { member.define(Greeter) }
    await members[1].spawn(Greeter, { name: 'greeter' })
  })
  after(async () => { await cluster.stop() })

  it('joins members that listen on WebRTC-Direct only, and calls both ways over it', async () => {
    const bootstrap = members[0].addresses().filter(address => address.includes('/webrtc-direct/certhash/'))
    expect(bootstrap).to.have.lengthOf.at.least(1)
    const page = await cluster.page('tab')
    const pageId: string = await page.evaluate(async ({ clusterName, bootstrap }) => {
      const w = window as any
      w.cluster = await w.foundation.Foundation.start({ clusterName, bootstrap, name: 'tab', webRTCDirect: w.foundation.webRTCDirect() })
      await w.cluster.spawn(class { receive (message: { n: number }): number { return message.n * 2 } }, { name: 'tab-double' })
      return w.cluster.id
    }, { clusterName: cluster.clusterName, bootstrap })
    await eventually(() => members.every(m => m.membership.get(pageId)?.status === 'alive'), 'every member holds the page alive')

    expect(await page.evaluate(async () => (window as any).cluster.call('greeter', { who: 'tab' }))).to.equal('hello tab')
    await eventually(async () => members[1].call('tab-double', { n: 21 }, { timeout: 2000 }).then(n => n === 42, () => false), 'a member calls the page\'s actor')
    const links: string[] = await page.evaluate(() => (window as any).cluster.host.getConnections().map((c: any) => c.remoteAddr.toString()))
    expect(links.length).to.be.at.least(members.length)
    expect(links.every(address => address.includes('/webrtc-direct')), links.join(' ')).to.equal(true)
    await page.close({ runBeforeUnload: true })
    expect(pageErrors).to.deep.equal([])
  })
})
