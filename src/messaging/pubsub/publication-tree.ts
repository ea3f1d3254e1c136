// Publications on the overlay's broadcast tree: in the partial-view shape a node links to a few neighbours only, so
// gossipsub, which sends a topic's messages only between nodes that are linked and both subscribe, misses every
// subscriber none of whose neighbours subscribes, and repairs nothing when all of a node's topic peers are in its
// mesh. The tree reaches every member whatever it subscribes to, and IHAVEs on its lazy links repair what a broken
// link lost; each node hands a publication to its own subscribers, as Phoenix.PubSub does.
import { Libp2pBroadcast } from '../../overlay/libp2p/libp2p-broadcast.ts'
import { MalformedFrameError } from '../../wire/errors.ts'
import { toHex } from '../../wire/hex.ts'
import { PUBLICATION_ID_LENGTH } from './publication.ts'
import { MAX_TOPIC_LENGTH } from './topics.ts'
import type { BroadcastComponents } from '../../overlay/libp2p/libp2p-broadcast.ts'
import type { Startable } from '@libp2p/interface'

/** One batch of a topic's publications, as gossipsub would carry it (see publication.ts). */
export interface TreePublication {
  topic: string
  data: Uint8Array
}

export interface PublicationTreeInit {
  cluster: string
  maxMessageSize: number
  /** a batch from another member, once, brought by neighbour `from` */
  deliver(topic: string, data: Uint8Array, from: string): void
}

/** A clean copy of a tree payload, or MalformedFrameError: the stream it came on is reset, and the node keeps running. */
export function validateTreePublication (value: unknown): TreePublication {
  if (typeof value !== 'object' || value === null) { throw new MalformedFrameError('publication is not an object') }
  const { topic, data } = value as Record<string, unknown>
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > MAX_TOPIC_LENGTH) {
    throw new MalformedFrameError(`publication topic must be a string of 1 to ${MAX_TOPIC_LENGTH} characters`)
  }
  if (!(data instanceof Uint8Array) || data.byteLength <= PUBLICATION_ID_LENGTH) {
    throw new MalformedFrameError('publication data must be bytes longer than the publication id')
  }
  return { topic, data }
}

/** The tree's id of a batch: its publication id, unique per publisher and batch. */
export function treeIdOf (data: Uint8Array): string {
  return toHex(data, 0, PUBLICATION_ID_LENGTH)
}

export class PublicationTree implements Startable {
  readonly broadcast: Libp2pBroadcast<TreePublication>

  constructor (components: BroadcastComponents, init: PublicationTreeInit) {
    this.broadcast = new Libp2pBroadcast<TreePublication>(components, {
      cluster: init.cluster,
      name: 'publications',
      // the batch and its topic, in one frame
      maxFrameSize: init.maxMessageSize + MAX_TOPIC_LENGTH * 4 + 1024,
      validatePayload: validateTreePublication,
      deliver: ({ payload, from }) => { init.deliver(payload.topic, payload.data, from) }
    })
  }

  readonly [Symbol.toStringTag] = 'foundation:publication-tree'

  isStarted (): boolean {
    return this.broadcast.isStarted()
  }

  async start (): Promise<void> {
    await this.broadcast.start()
  }

  async stop (): Promise<void> {
    await this.broadcast.stop()
  }

  /** frames from peers that were malformed or oversize; each reset its stream */
  get invalidFrames (): number {
    return this.broadcast.invalidFrames
  }

  /** Sends a batch to every other member; returns the links it leaves on (0: this node has none yet). */
  send (topic: string, data: Uint8Array): number {
    this.broadcast.broadcast(treeIdOf(data), { topic, data })
    return this.broadcast.neighbours()
  }
}
