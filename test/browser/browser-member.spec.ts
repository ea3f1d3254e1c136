// A browser tab as a member: Chromium loads the browser entry from a page on 127.0.0.1 and joins three Node
// members over WebSockets; members and page see each other, call each other's actors by name and publish to each
// other, and a closed page leaves the cluster.
import { expect } from 'aegir/chai'
import { eventually } from '../fixtures/nodes.ts'
import { BrowserCluster } from './browser-cluster.ts'
import type { Actor } from '../../src/actors/index.ts'
import type { Page } from 'playwright-core'

class Greeter implements Actor {
  receive (message: { who: string }): string {
    return `hello ${message.who}`
  }
}

/** the tabs' lease in these tests: long enough that a freeze of FREEZE_WITHIN_LEASE would otherwise kill a tab */
const BROWSER_LEASE = 10_000
/** a freeze a Node member (4 s at the shortest for a silent one, at most 6 s) would not live through */
const FREEZE_WITHIN_LEASE = 7000

describe('a browser member', function () {
  this.timeout(90_000)
  const cluster = new BrowserCluster('browser')
  const { members, pageErrors } = cluster

  before(async () => {
    await cluster.start(3, { membership: { browserLease: BROWSER_LEASE } })
    for (const member of members) { member.define(Greeter) }
    await members[0].spawn(Greeter, { name: 'greeter' })
  })

  after(async () => { await cluster.stop() })

  async function openMember (name: string): Promise<Page> {
    const page = await cluster.page(name)
    await page.evaluate(async ({ clusterName, bootstrap, name }) => {
      const { Foundation } = (window as any).foundation
      const cluster = await Foundation.start({ clusterName, bootstrap, name })
      const w = window as any
      w.cluster = cluster
      w.received = []
      cluster.pubsub.subscribe('news', (message: unknown) => { w.received.push(message) })
      class Counter {
        count = 0
        receive (message: { add?: number }): number {
          this.count += message.add ?? 0
          return this.count
        }
      }
      await cluster.spawn(Counter, { name: `${name}-counter` })
    }, { clusterName: cluster.clusterName, bootstrap: cluster.bootstrap(), name })
    return page
  }

  it('joins three Node members over WebSockets, calls and publishes both ways, and leaves when closed', async () => {
    const page = await openMember('tab-1')
    const pageId: string = await page.evaluate(() => (window as any).cluster.id)
    // every Node member counts the page alive, and the page counts every member
    await eventually(() => members.every(m => m.membership.members().some(x => x.id === pageId && x.status === 'alive')), 'every member counts the page alive')
    const pageView = async (): Promise<string> => page.evaluate(() => JSON.stringify((window as any).cluster.membership.members().map((m: any) => `${m.name}:${m.status}`)))
    let seen = ''
    await eventually(async () => { seen = await pageView(); return (await page.evaluate(() => (window as any).cluster.info().nodes)) === 4 }, () => `the page counts four members: ${seen}`)

    // the page calls a Node member's actor by name, and Node members call the page's
    expect(await page.evaluate(async () => (window as any).cluster.call('greeter', { who: 'page' }))).to.equal('hello page')
    await eventually(async () => members[2].call('tab-1-counter', { add: 2 }, { timeout: 2000 }).then(n => n === 2, () => false), 'a member calls the page\'s actor by name')
    expect(await members[1].call('tab-1-counter', { add: 3 })).to.equal(5)

    // pub/sub both ways
    const heard: unknown[] = []
    members[1].pubsub.subscribe('news', (message) => { heard.push(message) })
    await eventually(async () => {
      await members[0].pubsub.publish('news', 'from node')
      return (await page.evaluate(() => (window as any).received.includes('from node'))) as boolean
    }, 'a publication from a member reaches the page')
    await eventually(async () => {
      await page.evaluate(async () => (window as any).cluster.pubsub.publish('news', 'from page'))
      return heard.includes('from page')
    }, 'a publication from the page reaches a member')

    // closing the tab leaves gracefully: every member hears the page leave, none has to find it dead
    const leaves: string[] = []
    for (const member of members) {
      member.addEventListener('member:leave', (evt) => { if (evt.detail.id === pageId) { leaves.push(evt.detail.status) } })
    }
    await page.close({ runBeforeUnload: true })
    await eventually(() => leaves.length === members.length, () => `every member sees the page leave (${leaves.join(', ')})`, 20_000)
    expect(leaves).to.deep.equal(['left', 'left', 'left'])
    expect(pageErrors).to.deep.equal([])
  })

  it('lives through a freeze shorter than its lease; frozen past it, it is declared dead, its names leave the registry, and it rejoins when thawed', async () => {
    const page = await openMember('tab-2')
    const pageId: string = await page.evaluate(() => (window as any).cluster.id)
    await eventually(() => members.every(m => m.membership.get(pageId)?.status === 'alive'), 'every member counts the page alive')
    await eventually(async () => members[1].call('tab-2-counter', { add: 1 }, { timeout: 2000 }).then(n => n === 1, () => false), 'a member reaches the page\'s actor')
    // a distributed actor the page starts runs on a Node member, never on the page: it outlives the page
    const host: string = await page.evaluate(async () => {
      class Greeter { receive (message: { who: string }): string { return `hello ${message.who}` } }
      const w = window as any
      return (await w.cluster.spawn(Greeter, { name: 'tab-2-distributed', distribute: true })).node
    })
    expect(members.map(m => m.id)).to.include(host)

    // what a background tab the browser freezes looks like to the cluster: its connections open, none of its script
    // running. Headless pages are never hidden, so Page.setWebLifecycleState cannot freeze them; the debugger can
    const devtools = await page.context().newCDPSession(page)
    await devtools.send('Debugger.enable')
    const leaves: string[] = []
    for (const member of members) {
      member.addEventListener('member:leave', (evt) => { if (evt.detail.id === pageId) { leaves.push(`${member.name}: ${evt.detail.status}`) } })
    }
    await devtools.send('Debugger.pause')
    await new Promise(resolve => setTimeout(resolve, FREEZE_WITHIN_LEASE))
    await devtools.send('Debugger.resume')
    await eventually(() => members.every(m => m.membership.get(pageId)?.status === 'alive'), () => `every member counts the page alive after a short freeze (${members.map(m => m.membership.get(pageId)?.status).join(', ')})`, 10_000)
    expect(leaves, 'no member declared the page dead within its lease').to.deep.equal([])

    const frozenAt = Date.now()
    await devtools.send('Debugger.pause')
    await eventually(() => members.every(m => m.membership.get(pageId)?.status === 'dead'), () => `every member declares the frozen page dead (${members.map(m => m.membership.get(pageId)?.status).join(', ')})`, 20_000)
    expect(Date.now() - frozenAt, 'dead no sooner than its lease').to.be.at.least(BROWSER_LEASE)
    const err = await members[1].call('tab-2-counter', { add: 1 }, { timeout: 1000 }).then(() => undefined, (err: Error) => err)
    expect(err?.name).to.be.oneOf(['ActorNotFoundError', 'NodeDownError'])
    expect(await members[2].call('tab-2-distributed', { who: 'after the page' })).to.equal('hello after the page')

    await devtools.send('Debugger.resume')
    await eventually(() => members.every(m => m.membership.get(pageId)?.status === 'alive'), () => `every member counts the thawed page alive again (${members.map(m => m.membership.get(pageId)?.status).join(', ')})`, 20_000)
    // its actor kept its state through the freeze, and is reached by name again
    await eventually(async () => members[2].call('tab-2-counter', { add: 1 }, { timeout: 2000 }).then(n => n === 2, () => false), 'a member reaches the thawed page\'s actor by name', 20_000)
    await page.close({ runBeforeUnload: true })
    expect(pageErrors).to.deep.equal([])
  })

  it('calls an actor on another tab through a member\'s relay, with no WebRTC', async () => {
    const first = await openMember('tab-3')
    const second = await openMember('tab-4')
    const secondId: string = await second.evaluate(() => (window as any).cluster.id)
    await eventually(async () => first.evaluate(async () => (window as any).cluster.call('tab-4-counter', { add: 4 }, { timeout: 2000 }).then((n: number) => n === 4, () => false)), 'a tab calls the other tab\'s actor', 20_000)
    const links: string[] = await first.evaluate((peer) => (window as any).cluster.host.getConnections().filter((c: any) => c.remotePeer.toString() === peer).map((c: any) => c.remoteAddr.toString()), secondId)
    expect(links.length).to.be.above(0)
    expect(links.every(address => address.includes('/p2p-circuit/')), links.join(' ')).to.equal(true)
    await first.close({ runBeforeUnload: true })
    await second.close({ runBeforeUnload: true })
    expect(pageErrors).to.deep.equal([])
  })
})
