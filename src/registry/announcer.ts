// Gossips this node's registry writes to every cache in the cluster, and hands on the valid ones other nodes announce.
import { AnnouncementFramer, registryTopic } from './announcement.ts'
import { RecordCodec } from './record.ts'
import type { RegistryRecord } from './record.ts'
import type { Host } from '../node/create-host.ts'
import type { Message } from '@libp2p/gossipsub'
import type { Logger } from '@libp2p/interface'

export interface AnnouncerComponents {
  host: Host
  log: Logger
}

export interface AnnouncerInit {
  cluster: string
  /** a write announced on the topic, by any node */
  received(record: RegistryRecord): void
}

export class Announcer {
  private readonly components: AnnouncerComponents
  private readonly received: (record: RegistryRecord) => void
  private readonly topic: string
  private readonly codec = new RecordCodec()
  private readonly framer = new AnnouncementFramer()
  private invalid = 0

  constructor (components: AnnouncerComponents, init: AnnouncerInit) {
    this.components = components
    this.received = init.received
    this.topic = registryTopic(init.cluster)
  }

  /** malformed announcements received and dropped */
  get invalidMessages (): number {
    return this.invalid
  }

  /** Listens for announcements; they arrive only once subscribed, which needs a running host. */
  start (): void {
    this.components.host.services.pubsub.addEventListener('message', this.onMessage)
  }

  subscribe (): void {
    this.components.host.services.pubsub.subscribe(this.topic)
  }

  stop (): void {
    const { pubsub } = this.components.host.services
    pubsub.removeEventListener('message', this.onMessage)
    try {
      pubsub.unsubscribe(this.topic)
    } catch (err) {
      this.components.log.trace('could not unsubscribe from %s - %e', this.topic, err)
    }
  }

  /** Publishes a write; a failure is only logged, since the DHT and the next republish still carry it. */
  async announce (record: RegistryRecord): Promise<void> {
    try {
      await this.components.host.services.pubsub.publish(this.topic, this.framer.frame(this.codec.encode(record)))
    } catch (err) {
      this.components.log.error('could not announce %s - %e', record.name, err)
    }
  }

  private readonly onMessage = (evt: CustomEvent<Message>): void => {
    if (evt.detail.topic !== this.topic) {
      return
    }

    let record: RegistryRecord
    try {
      const bytes = this.framer.unframe(evt.detail.data)
      if (bytes == null) {
        throw new Error('announcement shorter than its header')
      }
      record = this.codec.decode(bytes)
    } catch (err) {
      this.invalid++
      this.components.log('rejected a malformed announcement - %e', err)
      return
    }

    this.received(record)
  }
}
