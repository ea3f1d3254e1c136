// Admission of browser members to a cluster with a secret: members keep the private network between them over TCP,
// and a page, which never holds the secret, joins over WebSockets with a ticket the application's server issued for
// its peer id. No ticket, a forged, an expired, another cluster's or another peer's ticket is refused, counted by the
// member, and the page's start fails naming why.
import { expect } from 'aegir/chai'
import { generateSecret } from '../../src/config/secret.ts'
import { Foundation } from '../../src/index.ts'
import { BROWSER_ROLE } from '../../src/membership/reserved-roles.ts'
import { eventually } from '../fixtures/nodes.ts'
import { BrowserCluster } from './browser-cluster.ts'
import type { Page } from 'playwright-core'

const JOIN_TIMEOUT = 3000

describe('admission of browser members', function () {
  this.timeout(90_000)
  const cluster = new BrowserCluster('admission')
  const { members, clusterName } = cluster
  const secret = generateSecret()
  const pages: Page[] = []

  before(async () => { await cluster.start(2, { secret }) })
  afterEach(async () => { await Promise.all(pages.splice(0).map(async page => page.close())) })
  after(async () => { await cluster.stop() })

  /**
   * Loads a page and starts a member in it with `ticket`: a ticket's text, or how to make one from the peer id; the
   * page asks for `roles`, and the ticket grants `grant`.
   */
  async function startIn (ticket: 'none' | 'valid' | 'forged' | 'expired' | 'other-cluster' | 'other-peer', { roles = [], grant = [] }: { roles?: string[], grant?: string[] } = {}): Promise<{ page: Page, outcome: string }> {
    const page = await cluster.page(ticket)
    pages.push(page)
    // the page asks the "application" for its ticket with its peer id, as a real page would over HTTP
    await page.exposeFunction('fetchTicket', async (peerId: string): Promise<string> => {
      const other = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'
      switch (ticket) {
        case 'forged': return Foundation.issueTicket({ secret: generateSecret(), clusterName, peerId })
        case 'expired': return Foundation.issueTicket({ secret, clusterName, peerId, ttl: 1 })
        case 'other-cluster': return Foundation.issueTicket({ secret, clusterName: `${clusterName}-other`, peerId })
        case 'other-peer': return Foundation.issueTicket({ secret, clusterName, peerId: other })
        default: return Foundation.issueTicket({ secret, clusterName, peerId, roles: grant })
      }
    })
    const outcome = await page.evaluate(async ({ clusterName, bootstrap, withTicket, joinTimeout, roles }) => {
      const w = window as any
      try {
        w.cluster = await w.foundation.Foundation.start({ clusterName, bootstrap, joinTimeout, roles, ...(withTicket ? { ticket: w.fetchTicket } : {}) })
        return 'joined'
      } catch (err: any) {
        return `${err.name}${err.reason != null ? `: ${err.reason}` : ''}${err.field != null ? ` (${err.field})` : ''}`
      }
    }, { clusterName, bootstrap: cluster.bootstrap(), withTicket: ticket !== 'none', joinTimeout: JOIN_TIMEOUT, roles })
    return { page, outcome }
  }

  const refusals = (): Record<string, number> => ({ ...members[0].host.services.admission?.stats })
  /** whether some member counts a browser member: a refused page never becomes one */
  const countsBrowser = (): boolean => members.some(m => m.membership.activeMembers().some(x => x.roles.includes(BROWSER_ROLE)))
  const countsOnlyMembers = (): boolean => members.every(m => m.membership.activeMembers().length === members.length)

  it('takes in a page with a ticket for its peer id: it joins, calls and is called', async () => {
    const { page, outcome } = await startIn('valid')
    expect(outcome).to.equal('joined')
    const pageId: string = await page.evaluate(() => (window as any).cluster.id)
    await eventually(() => members.every(m => m.membership.get(pageId)?.status === 'alive'), 'every member counts the page alive')
    await page.evaluate(async () => {
      await (window as any).cluster.spawn(class { receive (): string { return 'from the page' } }, { name: 'admitted-page' })
    })
    await eventually(async () => members[1].call('admitted-page', {}, { timeout: 1000 }).then(a => a === 'from the page', () => false), 'a member calls the page')
    expect(refusals().admitted).to.be.at.least(1)
  })

  it('takes a page in with the roles its ticket grants, and its start fails naming `roles` when it asks for more', async () => {
    const { page, outcome } = await startIn('valid', { roles: ['editor'], grant: ['editor', 'viewer'] })
    expect(outcome).to.equal('joined')
    const pageId: string = await page.evaluate(() => (window as any).cluster.id)
    await eventually(() => members.every(m => m.membership.get(pageId)?.roles.includes('editor') === true), 'every member holds the page with its granted role')
    expect(members[0].host.services.admission?.rolesGranted(pageId)).to.deep.equal(['editor', 'viewer'])
    expect(members.every(m => m.membership.refusedRecords.ungranted === 0)).to.equal(true)

    const asking = await startIn('valid', { roles: ['editor', 'admin'], grant: ['editor'] })
    expect(asking.outcome).to.equal('ConfigError (roles)')
  })

  const refused: Array<[Parameters<typeof startIn>[0], string, string, string]> = [
    ['forged', 'a ticket signed with another secret', 'TicketRefusedError: forged', 'forged'],
    ['expired', 'an expired ticket', 'TicketRefusedError: expired', 'expired'],
    ['other-cluster', 'another cluster\'s ticket', 'TicketRefusedError: other-cluster', 'other-cluster'],
    // the page's noise handshake is read as a ticket, and makes no sense as one
    ['none', 'no ticket', 'AdmissionTimeoutError', 'malformed'],
    // admitted by its ticket, then refused once noise proves the dialler is not the peer it names
    ['other-peer', 'another peer\'s ticket', 'AdmissionTimeoutError', 'wrong-peer']
  ]
  for (const [ticket, what, error, counted] of refused) {
    it(`refuses a page with ${what}, counts it as ${counted}, and its start fails with ${error}`, async () => {
      const before = refusals()[counted] ?? 0
      const { outcome } = await startIn(ticket)
      expect(outcome).to.equal(error)
      expect(refusals()[counted]).to.be.above(before)
      // a refused page never counts as a member; the members still count each other over their private network
      await eventually(() => !countsBrowser(), 'no member counts a browser')
      expect(countsOnlyMembers()).to.equal(true)
    })
  }
})
