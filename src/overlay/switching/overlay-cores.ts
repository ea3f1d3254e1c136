// The two overlay cores of a switching node side by side: each started and stopped on its own, messages routed to
// the one they are for (refused when it does not run), and both cores' output merged into one, their links as one set.
import { ClientServerCore } from '../client-server/client-server-core.ts'
import { HyParViewCore } from '../hyparview/hyparview-core.ts'
import { LinkUnion } from './link-union.ts'
import type { OverlayCoreName } from './link-union.ts'
import type { ClientServerConfig, ClientServerMessage, ServerView } from '../client-server/index.ts'
import type { HyParViewConfig, HyParViewMessage, OverlayEvent, Random } from '../hyparview/index.ts'
import type { TopologyChange } from '../topology-policy.ts'

/** A message of one of the two cores: the adapter carries each core's messages on that core's protocol. */
export type SwitchingMessage = { core: 'hyparview', message: HyParViewMessage } | { core: 'client-server', message: ClientServerMessage }

export interface SwitchingOutput {
  send: Array<{ to: string, message: SwitchingMessage }>
  /** links of either core, as one set */
  events: OverlayEvent[]
  /** the shape changed */
  changes: TopologyChange[]
}

export interface OverlayCoresInit {
  self: string
  random: Random
  /** checked by resolveHyParViewConfig */
  hyparview: HyParViewConfig
  /** checked by resolveClientServerConfig */
  clientServer: ClientServerConfig
  /** see HyParViewCoreInit.members */
  members?(count: number): Iterable<string>
  /** see HyParViewCoreInit.inUse */
  inUse?(peer: string): boolean
}

export class OverlayCores {
  private readonly init: OverlayCoresInit
  private readonly links = new LinkUnion()
  private hyparview: HyParViewCore | undefined
  private clientServer: ClientServerCore | undefined
  private view: ServerView = { servers: [] }
  private out: SwitchingOutput = { send: [], events: [], changes: [] }

  constructor (init: OverlayCoresInit) {
    this.init = init
  }

  runs (core: OverlayCoreName): boolean {
    return (core === 'hyparview' ? this.hyparview : this.clientServer) != null
  }

  /** links `core` holds; 0 when it does not run */
  linksOf (core: OverlayCoreName): number {
    return (core === 'hyparview' ? this.hyparview : this.clientServer)?.activeCount ?? 0
  }

  active (): string[] {
    return this.links.peers()
  }

  isActive (peer: string): boolean {
    return this.links.has(peer)
  }

  get activeCount (): number {
    return this.links.size
  }

  passive (): string[] {
    return this.hyparview?.passive() ?? []
  }

  get role (): 'server' | 'client' | undefined {
    return this.clientServer?.role
  }

  /** Starts a core: the client-server one links to the servers it knows of at once, HyParView waits for a join. */
  start (core: OverlayCoreName, now: number): void {
    if (this.runs(core)) { return }
    if (core === 'client-server') {
      this.clientServer = new ClientServerCore({ self: this.init.self, config: this.init.clientServer })
      this.take('client-server', this.clientServer.setView(this.view, now))
      return
    }
    const { self, hyparview: config, random, members, inUse } = this.init
    this.hyparview = new HyParViewCore({ self, config, random, now, members, inUse })
  }

  /** Stops a core, telling each of its peers; the peers the other core links stay linked. */
  stop (core: OverlayCoreName, now: number): void {
    if (core === 'hyparview' && this.hyparview != null) {
      this.take('hyparview', this.hyparview.leave(now))
      this.hyparview = undefined
    } else if (core === 'client-server' && this.clientServer != null) {
      this.take('client-server', this.clientServer.leave())
      this.clientServer = undefined
    }
    this.out.events.push(...this.links.dropCore(core))
  }

  join (contact: string, now: number): void {
    if (this.hyparview != null) { this.take('hyparview', this.hyparview.join(contact, now)) }
  }

  /** HyParView asks a random member to link (see HyParViewCore.reachMember). */
  reachMember (now: number): void {
    if (this.hyparview != null) { this.take('hyparview', this.hyparview.reachMember(now)) }
  }

  suggest (peers: Iterable<string>): void {
    this.hyparview?.suggest(peers)
  }

  setView (view: ServerView, now: number): void {
    this.view = view
    if (this.clientServer != null) { this.take('client-server', this.clientServer.setView(view, now)) }
  }

  /**
   * A message for a core that does not run here is refused with that core's own unlink (DISCONNECT, UNLINK): the
   * sender drops the link it thinks it has, rests this node and links elsewhere, as if this node were full.
   */
  receive (from: string, message: SwitchingMessage, now: number): void {
    if (message.core === 'hyparview') {
      if (this.hyparview != null) {
        this.take('hyparview', this.hyparview.receive(from, message.message, now))
      } else if (message.message.type !== 'disconnect') {
        this.out.send.push({ to: from, message: { core: 'hyparview', message: { type: 'disconnect' } } })
      }
    } else if (this.clientServer != null) {
      this.take('client-server', this.clientServer.receive(from, message.message, now))
    } else if (message.message.type !== 'unlink') {
      this.out.send.push({ to: from, message: { core: 'client-server', message: { type: 'unlink' } } })
    }
  }

  linkFailed (peer: string, now: number, core?: OverlayCoreName): void {
    if (core !== 'client-server' && this.hyparview != null) { this.take('hyparview', this.hyparview.linkFailed(peer, now)) }
    if (core !== 'hyparview' && this.clientServer != null) { this.take('client-server', this.clientServer.linkFailed(peer, now)) }
  }

  forget (peer: string, now: number): void {
    if (this.hyparview != null) { this.take('hyparview', this.hyparview.forget(peer, now)) }
    if (this.clientServer != null) { this.take('client-server', this.clientServer.linkFailed(peer, now)) }
  }

  tick (now: number): void {
    if (this.hyparview != null) { this.take('hyparview', this.hyparview.tick(now)) }
    if (this.clientServer != null) { this.take('client-server', this.clientServer.tick(now)) }
  }

  change (change: TopologyChange): void {
    this.out.changes.push(change)
  }

  drain (): SwitchingOutput {
    const out = this.out
    this.out = { send: [], events: [], changes: [] }
    return out
  }

  private take (core: OverlayCoreName, out: { send: Array<{ to: string, message: unknown }>, events: OverlayEvent[] }): void {
    for (const { to, message } of out.send) { this.out.send.push({ to, message: { core, message } as SwitchingMessage }) }
    for (const event of out.events) {
      const union = this.links.apply(core, event)
      if (union != null) { this.out.events.push(union) }
    }
  }
}
