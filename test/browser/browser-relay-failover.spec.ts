// A tab's relay stops: the tab reserves a slot on another member's relay, its record names the new addresses, and
// another tab reaches it through the new relay.
import { expect } from 'aegir/chai'
import { eventually } from '../fixtures/nodes.ts'
import { BrowserCluster } from './browser-cluster.ts'
import type { Page } from 'playwright-core'

describe('a tab whose relay stops', function () {
  this.timeout(90_000)
  const cluster = new BrowserCluster('relay-failover')
  const { members, pageErrors } = cluster

  before(async () => { await cluster.start(3) })
  after(async () => { await cluster.stop() })

  async function openTab (name: string): Promise<{ page: Page, id: string }> {
    const page = await cluster.page(name)
    const id: string = await page.evaluate(async ({ clusterName, bootstrap, name }) => {
      const w = window as any
      w.cluster = await w.foundation.Foundation.start({ clusterName, bootstrap, name })
      await w.cluster.spawn(class { receive (message: { n: number }): number { return message.n + 1 } }, { name: `${name}-next` })
      return w.cluster.id
    }, { clusterName: cluster.clusterName, bootstrap: cluster.members.flatMap(m => m.addresses().filter(a => a.includes('/ws/'))), name })
    return { page, id }
  }

  it('reserves on another member\'s relay, and another tab reaches it there', async () => {
    const a = await openTab('tab-a')
    const b = await openTab('tab-b')
    const relayOf = (address: string): string => address.split('/p2p-circuit')[0].split('/p2p/').at(-1) ?? ''
    const relaysOfB = (): string[] => [...new Set((members[0].membership.get(b.id)?.addresses ?? []).map(relayOf))]
    await eventually(() => relaysOfB().length > 0, 'tab b announces addresses behind a relay')
    const first = relaysOfB()[0]
    expect(await a.page.evaluate(async () => (window as any).cluster.call('tab-b-next', { n: 1 }, { timeout: 5000 }))).to.equal(2)

    // the relay member stops; tab b reserves elsewhere
    const relay = members.find(m => m.id === first)
    if (relay == null) { throw new Error(`tab b's relay ${first} is not a member`) }
    await relay.stop()
    const others = members.filter(m => m !== relay)
    await eventually(() => others.every(m => (m.membership.get(b.id)?.addresses ?? []).some(address => relayOf(address) !== first)), () => `tab b announces a new relay (${others[0].membership.get(b.id)?.addresses.join(' ')})`, 30_000)
    // tab a, whose link to tab b went through the stopped relay, reaches it through the new one
    await eventually(async () => a.page.evaluate(async () => (window as any).cluster.call('tab-b-next', { n: 41 }, { timeout: 3000 }).then((n: number) => n === 42, () => false)), 'tab a calls tab b again', 30_000)
    await a.page.close({ runBeforeUnload: true })
    await b.page.close({ runBeforeUnload: true })
    expect(pageErrors).to.deep.equal([])
  })
})
