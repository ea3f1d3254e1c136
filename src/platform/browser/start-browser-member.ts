// Starts a member in a browser tab: a fresh key, a WebSockets host, the node on the browser platform; a start that
// fails leaves nothing open, and the tab leaves the cluster gracefully when it is closed or navigated away.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { FoundationNode } from '../../cluster/foundation-node.ts'
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
  const host = await createBrowserHost({ cluster: config.clusterName, maxMessageSize: config.maxMessageSize, privateKey, logger })
  const node = new FoundationNode(config, host, privateKey, logger, browserPlatform())
  try {
    await node.start()
  } catch (err) {
    await node.abandon()
    throw err
  }
  // pagehide, not unload: it fires on a closed tab, a navigation and a page put in the back-forward cache alike
  globalThis.addEventListener?.('pagehide', () => { void node.stop() }, { once: true })
  return node
}
