// foundation-mesh/browser: a browser tab as a member of a Foundation cluster, with the API a Node member has.
import { startBrowserMember } from './platform/browser/start-browser-member.ts'
import type { Cluster } from './cluster/index.ts'
import type { BrowserMemberInit } from './platform/browser/browser-config.ts'

/**
 * The entry point in a page: `Foundation.start({ bootstrap })` joins the cluster through Node members that listen
 * on WebSockets, and returns the same {@link Cluster} a Node member gets.
 *
 * @example
 * ```ts
 * import { Foundation } from 'foundation-mesh/browser'
 *
 * const cluster = await Foundation.start({ clusterName: 'shop', bootstrap: ['/dns4/shop.example/tcp/443/wss/p2p/12D3Koo...'] })
 * const n = await cluster.call('counter', { get: true })
 * ```
 */
export const Foundation = {
  /** Joins the cluster; a wrong option throws {@link ConfigError} naming it. */
  async start (init: BrowserMemberInit): Promise<Cluster> {
    return startBrowserMember(init)
  }
}

export type { BrowserMemberInit }
export type { Cluster, ClusterEvents, ClusterInfo, CallOptions, ConnectOptions, MigrateOptions, Target } from './cluster/index.ts'
export type { Actor, ActorClass, ActorContext, ActorRef, SpawnOptions, ExitReason } from './actors/index.ts'
export type { Member, MemberStatus } from './membership/index.ts'
export type { PubSub, Subscription, SubscriptionHandler, PublicationMeta, PublishOptions } from './messaging/pubsub/index.ts'
export { ConfigError } from './config/errors.ts'
export { TicketRefusedError, AdmissionTimeoutError } from './admission/ticket-wire.ts'
export { ActorNotFoundError, ActorHandlerError, ActorStoppedError, DuplicateNameError, DuplicateActorIdError } from './actors/errors.ts'
export { CallTimeoutError, NodeDownError, AbortError, MessageTooLargeError, PeerOverloadedError, PubSubNotRunningError } from './messaging/errors.ts'
export { NodeNotRunningError, JoinTimeoutError } from './cluster/errors.ts'
export { NameTakenError, InvalidNameError, NameNotVisibleError } from './names/errors.ts'
