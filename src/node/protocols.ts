// Protocol ids of a cluster: every Foundation protocol is namespaced by cluster name, so clusters never mix.
export type FoundationProtocol = 'membership' | 'direct' | 'overlay' | 'overlay-servers' | 'membership-news' | 'publications'

export function protocolName (cluster: string, protocol: FoundationProtocol, version = '1.0.0'): string {
  return `${protocolPrefix(cluster)}${protocol}/${version}`
}

/** The protocol of one named pub/sub channel (messaging.channels): every channel runs on streams of its own. */
export function channelProtocolName (cluster: string, channel: string, version = '1.0.0'): string {
  return `${protocolPrefix(cluster)}channel/${channel}/${version}`
}

/** What every protocol id of the cluster starts with. */
export function protocolPrefix (cluster: string): string {
  return `/foundation/${cluster}/`
}
