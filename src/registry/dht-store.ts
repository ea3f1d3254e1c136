// Reads and writes registry records in kad-dht, each within its timeout, one read per name at a time.
import { registryKey } from './dht-record.ts'
import { compareRecords, RecordCodec } from './record.ts'
import { untilRoutingTableHasPeers } from './routing-table.ts'
import { anySignal, raceSignal } from './signals.ts'
import type { RegistryRecord } from './record.ts'
import type { Logger } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'

export interface DhtStoreInit {
  cluster: string
  lookupTimeout: number
  writeTimeout: number
  log: Logger
  /** true when other members are active, so an empty routing table means kad-dht has not caught up yet */
  peersExpected?(): boolean
}

export class DhtStore {
  private readonly dht: KadDHT
  private readonly cluster: string
  private readonly lookupTimeout: number
  private readonly writeTimeout: number
  private readonly log: Logger
  private readonly peersExpected: () => boolean
  private readonly codec = new RecordCodec()
  /** one DHT read per name at a time, shared by every caller */
  private readonly reading = new Map<string, Promise<RegistryRecord | undefined>>()
  private shutdown = new AbortController()

  constructor (dht: KadDHT, init: DhtStoreInit) {
    this.dht = dht
    this.cluster = init.cluster
    this.lookupTimeout = init.lookupTimeout
    this.writeTimeout = init.writeTimeout
    this.log = init.log
    this.peersExpected = init.peersExpected ?? (() => false)
  }

  start (): void {
    this.shutdown = new AbortController()
  }

  /** Ends every read and write in flight. */
  stop (): void {
    this.shutdown.abort()
  }

  /** Puts a record on this node and on the peers closest to its key. Throws if that does not finish in time. */
  async put (record: RegistryRecord, signal?: AbortSignal): Promise<void> {
    const key = registryKey(this.cluster, record.name)
    const options = { signal: anySignal(this.shutdown.signal, AbortSignal.timeout(this.writeTimeout), signal) }

    await this.untilReachable(options.signal)
    for await (const event of this.dht.put(key, this.codec.encode(record), options)) {
      if (event.name === 'QUERY_ERROR') {
        this.log.trace('a peer did not store %s - %e', record.name, event.error)
      }
    }
  }

  /**
   * The newest record of the name that the DHT answers with before the lookup timeout, or undefined.
   * Concurrent callers share one query; a caller's signal only ends its own wait.
   */
  async get (name: string, signal?: AbortSignal): Promise<RegistryRecord | undefined> {
    let pending = this.reading.get(name)

    if (pending == null) {
      pending = this.query(name).finally(() => this.reading.delete(name))
      this.reading.set(name, pending)
    }

    return raceSignal(pending, signal)
  }

  private async query (name: string): Promise<RegistryRecord | undefined> {
    const signal = anySignal(this.shutdown.signal, AbortSignal.timeout(this.lookupTimeout))
    let found: RegistryRecord | undefined

    try {
      await this.untilReachable(signal)
      // kad-dht runs our validator on every record and our selector over them: the VALUE event is the newest valid one
      for await (const event of this.dht.get(registryKey(this.cluster, name), { signal })) {
        if (event.name === 'VALUE') {
          const record = this.codec.decode(event.value)
          found = found == null || compareRecords(record, found) > 0 ? record : found
        }
      }
    } catch (err) {
      // a timeout or an unreachable peer: the answer is whatever arrived, if anything
      this.log.trace('DHT read of %s ended early - %e', name, err)
    }

    return found
  }

  /** Within the caller's time budget, lets kad-dht add the members it has not added yet: a query on an empty table asks nobody. */
  private async untilReachable (signal: AbortSignal): Promise<void> {
    if (this.peersExpected()) {
      await untilRoutingTableHasPeers(this.dht, signal)
    }
  }
}
