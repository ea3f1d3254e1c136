// Starts a member in a browser tab: a fresh key, a WebSockets host, the node on the browser platform; a start that
// fails leaves nothing open, and the tab leaves the cluster gracefully when it is closed or navigated away.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ticketClaims } from '../../admission/ticket-claims.ts'
import { TicketPresenter } from '../../admission/ticket-presenter.ts'
import { AdmissionTimeoutError, MAX_TICKET_BYTES, ticketBytes } from '../../admission/ticket-wire.ts'
import { FoundationNode } from '../../cluster/foundation-node.ts'
import { ConfigError } from '../../config/errors.ts'
import { BROWSER_ROLE } from '../../membership/reserved-roles.ts'
import { quietLogger } from '../../node/quiet-logger.ts'
import { browserConfig } from './browser-config.ts'
import { createBrowserHost } from './create-browser-host.ts'
import { browserPlatform } from './index.ts'
import type { BrowserMemberInit } from './browser-config.ts'

export async function startBrowserMember (init: BrowserMemberInit): Promise<FoundationNode> {
  const config = browserConfig(init)
  const logger = quietLogger()
  // a tab's key lives as long as the tab: a reload joins as a new member, as a restarted process does
  const privateKey = await generateKeyPair('Ed25519')
  const presenter = await presenterOf(init.ticket, peerIdFromPrivateKey(privateKey).toString(), config.roles)
  const host = await createBrowserHost({ cluster: config.clusterName, maxMessageSize: config.maxMessageSize, privateKey, logger, protector: presenter, webRTC: init.webRTC, webRTCDirect: init.webRTCDirect })
  const node = new FoundationNode(config, host, privateKey, logger, browserPlatform())
  try {
    await node.start()
    // a page joins through its bootstrap members or not at all: it learns at once whether they took it in, and a
    // refused ticket is its error, not a silent retry
    await admitted(node, presenter, config.joinTimeout)
  } catch (err) {
    // a node that started but was not taken in stops as any node does; one whose start failed is undone
    await (node.lifecycle === 'running' ? node.stop() : node.abandon())
    throw err
  }
  // pagehide, not unload: it fires on a closed tab, a navigation and a page put in the back-forward cache alike. A
  // closing tab may run nothing past this handler, so the leave is written now, before the stop's first await
  globalThis.addEventListener?.('pagehide', () => {
    void node.membership.stop()
    void node.stop()
  }, { once: true })
  return node
}

async function presenterOf (ticket: BrowserMemberInit['ticket'], peerId: string, roles: string[]): Promise<TicketPresenter | undefined> {
  if (ticket == null) { return undefined }
  const text = typeof ticket === 'string' ? ticket : await ticket(peerId)
  const bytes = typeof text === 'string' ? ticketBytes(text) : undefined
  const claims = bytes != null && bytes.byteLength <= MAX_TICKET_BYTES ? ticketClaims(bytes) : undefined
  if (bytes == null || claims == null) { throw new ConfigError('ticket', 'a ticket\'s text as Foundation.issueTicket gives it', text) }
  // members drop the record of a page that takes a role its ticket does not grant: it would never be taken in
  const ungranted = roles.filter(role => role !== BROWSER_ROLE && !claims.roles.includes(role))
  if (ungranted.length > 0) { throw new ConfigError('roles', `roles the ticket grants (${claims.roles.join(', ') || 'none'}); it does not grant ${ungranted.join(', ')}`, roles.filter(role => role !== BROWSER_ROLE)) }
  return new TicketPresenter(bytes)
}

/** Resolves once another member counts this one; rejects with the members' refusal, or after `timeout`. */
async function admitted (node: FoundationNode, presenter: TicketPresenter | undefined, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout
  while (node.membership.activeMembers().length < 2) {
    if (presenter?.refusal != null) { throw presenter.refusal }
    if (Date.now() > deadline) { throw new AdmissionTimeoutError(timeout) }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}
