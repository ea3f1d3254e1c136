// A browser tab in a cluster whose Node members keep partial views (HyParView), as every cluster past 64 members
// does: the tab joins, every member holds it alive (none suspects it, though the members outside its links never
// probe it), and calls and publications go both ways between the tab and members it has no link to: a member reaches
// the tab through the relay of a member the tab reserved a slot on. The cluster has a secret and the tab a ticket (an
// open cluster takes the same path without either): a member reaches the relay over the private network.
import { expect } from 'aegir/chai'
import { generateSecret } from '../../src/config/secret.ts'
import { Foundation } from '../../src/index.ts'
import { eventually } from '../fixtures/nodes.ts'
import { BrowserCluster } from './browser-cluster.ts'

const NODES = 8
const OVERLAY = { topology: 'partial-view', activeViewSize: 3, idleTimeout: 1000 } as const
/** how long every member must hold the tab alive without a doubt */
const WATCH_MS = 8000

class Echo {
  receive (message: { text: string }): string { return message.text }
}

describe('a browser member in partial views, with a cluster secret', function () {
  const secret = generateSecret()
  this.timeout(120_000)
  const cluster = new BrowserCluster('browser-partial')
  const { members, pageErrors } = cluster

  before(async () => {
    await cluster.start(NODES, { overlay: OVERLAY, secret })
    for (const member of members) { member.define(Echo) }
    await members[NODES - 1].spawn(Echo, { name: 'far-echo' })
  })
  after(async () => { await cluster.stop() })

  it(`joins ${NODES} members that keep partial views, stays alive in every view, and calls and publishes both ways`, async () => {
    const doubts: string[] = []
    for (const member of members) {
      member.addEventListener('member:suspect', (evt) => { if (evt.detail.roles.includes('$browser')) { doubts.push(`${member.name} suspects ${evt.detail.name}`) } })
    }
    const page = await cluster.page('tab')
    await page.exposeFunction('fetchTicket', async (peerId: string) => Foundation.issueTicket({ secret, clusterName: cluster.clusterName, peerId }))
    const pageId: string = await page.evaluate(async ({ clusterName, bootstrap, overlay, withTicket }) => {
      const w = window as any
      // the members' overlay options: a page must count members as they do
      w.cluster = await w.foundation.Foundation.start({ clusterName, bootstrap, name: 'tab', overlay, ...(withTicket ? { ticket: w.fetchTicket } : {}) })
      w.heard = []
      w.cluster.pubsub.subscribe('news', (message: string) => { w.heard.push(message) })
      await w.cluster.spawn(class { receive (message: { text: string }): string { return `tab: ${message.text}` } }, { name: 'tab-echo' })
      return w.cluster.id
    }, { clusterName: cluster.clusterName, bootstrap: cluster.bootstrap(), overlay: { topology: OVERLAY.topology, activeViewSize: OVERLAY.activeViewSize }, withTicket: true })
    await eventually(() => members.every(m => m.membership.get(pageId)?.status === 'alive'), 'every member holds the tab alive', 30_000)
    expect(members.every(m => m.info().topology === 'partial-view')).to.equal(true)
    expect(await page.evaluate(() => (window as any).cluster.info().topology)).to.equal('partial-view')

    let last = ''
    await eventually(async () => page.evaluate(async () => (window as any).cluster.call('far-echo', { text: 'hi' }, { timeout: 2000 }).then((r: string) => r, (err: Error) => `${err.name}: ${err.message}`)).then((r: string) => { last = r; return r === 'hi' }), () => `the tab calls a far member's actor (${last})`, 20_000)
    // a member the tab holds no link to calls the tab's actor: through a relay
    const linked = (member: typeof members[number]): boolean => member.host.getConnections().some(c => c.remotePeer.toString() === pageId && !c.remoteAddr.toString().includes('/p2p-circuit'))
    // the tab's joining dials members beyond its neighbours, and closes those links once they idle
    await eventually(() => members.some(member => !linked(member)), 'a member holds no link to the tab', 40_000)
    const far = members.find(member => !linked(member)) ?? members[0]
    let failure = ''
    await eventually(async () => far.call('tab-echo', { text: 'hey' }, { timeout: 2000 }).then(r => r === 'tab: hey', (err: Error) => { failure = `${err.name}: ${err.message}`; return false }),
      () => `a member with no link to the tab calls the tab's actor (${failure}; the tab's addresses: ${far.membership.get(pageId)?.addresses.join(' ')})`)
    expect(far.host.getConnections().filter(c => c.remotePeer.toString() === pageId).map(c => c.remoteAddr.toString())).to.satisfy((addresses: string[]) => addresses.some(address => address.includes('/p2p-circuit')))
    const onNode: string[] = []
    members[NODES - 3].pubsub.subscribe('news', (message: string) => { onNode.push(message) })
    await eventually(async () => {
      await members[NODES - 4].pubsub.publish('news', 'from a member')
      await page.evaluate(async () => (window as any).cluster.pubsub.publish('news', 'from the tab'))
      return onNode.includes('from the tab') && (await page.evaluate(() => (window as any).heard.includes('from a member')) as boolean)
    }, 'publications reach the tab and a member')

    // the members outside the tab's links never probe it (they cannot dial it), and none doubts it
    await new Promise(resolve => setTimeout(resolve, WATCH_MS))
    expect(members.map(m => m.membership.get(pageId)?.status)).to.deep.equal(members.map(() => 'alive'))
    expect(doubts).to.deep.equal([])
    await page.close({ runBeforeUnload: true })
    expect(pageErrors).to.deep.equal([])
  })
})
