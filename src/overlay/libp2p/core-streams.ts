// The switching overlay's two cores on the wire: HyParView's messages on the cluster's `overlay` protocol and the
// client-server core's on `overlay-servers`, one stream per peer and protocol; a bad frame resets its stream.
import { protocolName } from '../../node/protocols.ts'
import { MessageStreams } from '../../wire/message-streams.ts'
import { validateClientServerMessage } from '../client-server/messages.ts'
import { validateHyParViewMessage } from '../hyparview/messages.ts'
import type { Host } from '../../node/create-host.ts'
import type { DialYield } from '../../node/pair-dial.ts'
import type { ClientServerMessage } from '../client-server/messages.ts'
import type { HyParViewMessage } from '../hyparview/messages.ts'
import type { OverlayCoreName, SwitchingMessage } from '../switching/switching-overlay.ts'
import type { AbortOptions, Logger } from '@libp2p/interface'

export interface CoreStreamsInit {
  host: Host
  cluster: string
  maxFrameSize: number
  log: Logger
  dialYield?: DialYield
  /** a validated message from an authenticated peer */
  receive(from: string, message: SwitchingMessage): void
  /** the stream of one core's protocol to `peer` could not be opened, or broke */
  onBroken(peer: string, core: OverlayCoreName): void
}

export class CoreStreams {
  private readonly hyparview: MessageStreams<HyParViewMessage>
  private readonly clientServer: MessageStreams<ClientServerMessage>

  constructor (init: CoreStreamsInit) {
    const { host, cluster, maxFrameSize, log, dialYield, receive, onBroken } = init
    this.hyparview = new MessageStreams({
      host,
      maxFrameSize,
      log,
      dialYield,
      protocol: protocolName(cluster, 'overlay'),
      validate: validateHyParViewMessage,
      receive: (from, message) => { receive(from, { core: 'hyparview', message }) },
      // a NEIGHBOR to a passive peer that is gone fails here: the core asks the next one
      onBroken: (peer) => { onBroken(peer, 'hyparview') }
    })
    this.clientServer = new MessageStreams({
      host,
      maxFrameSize,
      log,
      dialYield,
      protocol: protocolName(cluster, 'overlay-servers'),
      validate: validateClientServerMessage,
      receive: (from, message) => { receive(from, { core: 'client-server', message }) },
      onBroken: (peer) => { onBroken(peer, 'client-server') }
    })
  }

  /** frames from peers that were malformed or oversize, on either protocol */
  get invalidFrames (): number {
    return this.hyparview.invalidFrames + this.clientServer.invalidFrames
  }

  async start (): Promise<void> {
    await this.hyparview.start()
    await this.clientServer.start()
  }

  async stop (): Promise<void> {
    await this.hyparview.stop()
    await this.clientServer.stop()
  }

  send (to: string, message: SwitchingMessage): void {
    if (message.core === 'hyparview') {
      this.hyparview.send(to, message.message)
    } else {
      this.clientServer.send(to, message.message)
    }
  }

  /** Sends what is queued for these messages' peers and closes their streams: a node's last words. */
  async flush (sent: ReadonlyArray<{ to: string, message: SwitchingMessage }>, options: AbortOptions): Promise<void> {
    const peers = (core: OverlayCoreName): string[] => sent.filter(o => o.message.core === core).map(o => o.to)
    await Promise.all([
      this.hyparview.flush(peers('hyparview'), options),
      this.clientServer.flush(peers('client-server'), options)
    ])
  }
}
