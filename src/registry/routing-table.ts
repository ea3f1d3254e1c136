// Waits for kad-dht's routing table to hold a peer, so that a DHT read or write right after a join reaches someone.
import type { KadDHT } from '@libp2p/kad-dht'

/** how often the table's size is read again when it cannot tell us about new peers itself */
const POLL_INTERVAL = 25

interface ObservableTable {
  size: number
  addEventListener?: EventTarget['addEventListener']
  removeEventListener?: EventTarget['removeEventListener']
}

/**
 * The routing table is not on the KadDHT interface (only on the single-DHT one kadDHT() builds):
 * without it, callers never wait on something they cannot see.
 */
function tableOf (dht: KadDHT): ObservableTable | undefined {
  const table = (dht as KadDHT & { routingTable?: ObservableTable }).routingTable
  return typeof table?.size === 'number' ? table : undefined
}

/**
 * Resolves once the routing table holds a peer, or when the signal aborts (never rejects): kad-dht
 * adds a member shortly after identify, while membership may count it a moment earlier, and a query
 * on an empty table asks nobody.
 */
export async function untilRoutingTableHasPeers (dht: KadDHT, signal: AbortSignal): Promise<void> {
  const table = tableOf(dht)
  if (table == null || table.size > 0 || signal.aborted) {
    return
  }

  await new Promise<void>(resolve => {
    const check = (): void => {
      if (table.size > 0 || signal.aborted) {
        done()
      }
    }
    const done = (): void => {
      clearInterval(timer)
      table.removeEventListener?.('peer:add', check)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setInterval(check, POLL_INTERVAL)
    table.addEventListener?.('peer:add', check)
    signal.addEventListener('abort', done, { once: true })
  })
}
