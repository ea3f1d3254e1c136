// The schema of `discovery`: every field of every strategy, after shorthands (`dns: 'name'`, `static: [...]`,
// `true`) were turned into objects. Requirements that depend on which strategies run are checked in discovery.ts.
import { z } from 'zod'
import { peerAddress } from '../discovery/static/index.ts'
import { duration, hostOrUrl, httpUrl, integer, isHostname, isServerAddress, list, oneOf, port, strict, text, textWhere } from './checks.ts'

const polling = {
  interval: duration.optional(),
  timeout: duration.optional(),
  minBackoff: duration.optional(),
  maxBackoff: duration.optional()
}

function isPeerAddress (value: string): boolean {
  try {
    peerAddress(value)
    return true
  } catch {
    return false
  }
}

const hostname = textWhere(isHostname, 'a DNS name such as app.internal')
const labelValue = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/
const k8sName = textWhere(v => labelValue.test(v), 'a Kubernetes name: lowercase letters, digits and "-", at most 63')
const containerPortName = /^(?=.{1,15}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?$/
const tagMap = z.record(text('a non-empty tag key'), z.string({ error: 'a string value' }), { error: 'an object of key: value strings' })
  .refine(tags => Object.keys(tags).length > 0, { error: 'at least one key: value pair' })
const gcpLabelKey = textWhere(v => /^[a-z][a-z0-9_-]{0,62}$/.test(v), 'a GCP label key: a lowercase letter, then lowercase letters, digits, "_" or "-", at most 63')
const gcpLabels = z.record(gcpLabelKey, textWhere(v => /^[a-z0-9_-]{0,63}$/.test(v), 'a GCP label value: lowercase letters, digits, "_" or "-", at most 63'),
  { error: 'an object of label: value strings' })
  .refine(labels => Object.keys(labels).length > 0, { error: 'at least one label: value pair' })

/** The backoff that grows up to maxBackoff must start below it. */
function backoffInOrder (value: { minBackoff?: number, maxBackoff?: number }, ctx: z.core.$RefinementCtx): void {
  if (value.minBackoff != null && value.maxBackoff != null && value.minBackoff > value.maxBackoff) {
    ctx.addIssue({ code: 'custom', path: ['minBackoff'], message: `at most maxBackoff (${value.maxBackoff} ms)` })
  }
}

const off = z.literal(false)

const mdns = strict({ interval: duration.optional() }, 'true, false or { interval }')

const staticPeers = strict({
  peers: list(textWhere(isPeerAddress, 'a multiaddr (/ip4/10.0.0.7/tcp/4001) or host:port (10.0.0.7:4001)'), 'an array of peer addresses').optional(),
  ...polling
}, 'an array of peer addresses, false or { peers, interval, ... }').superRefine(backoffInOrder)

const dns = strict({
  name: hostname.optional(),
  mode: oneOf(['a', 'srv', 'dnsaddr']).optional(),
  port: port.optional(),
  servers: list(textWhere(isServerAddress, 'an IP address, ip:port or [ipv6]:port'), 'an array of DNS servers').optional(),
  ...polling
}, 'a DNS name, false or { name, mode, port, servers, ... }').superRefine(backoffInOrder)

const kubernetes = strict({
  mode: oneOf(['pods', 'endpoints', 'dns']).optional(),
  selector: text('a label selector such as app=shop').optional(),
  service: k8sName.optional(),
  namespace: k8sName.optional(),
  port: z.union([port, textWhere(v => containerPortName.test(v), 'a container port name')], {
    error: 'a TCP port from 1 to 65535 or the name of a container port'
  }).optional(),
  apiServer: httpUrl.optional(),
  serviceAccountPath: text('a folder path').optional(),
  clusterDomain: hostname.optional(),
  ...polling
}, 'true, false or { mode, selector, service, ... }').superRefine(backoffInOrder)

const consul = strict({
  service: text('a Consul service name').optional(),
  address: hostOrUrl.optional(),
  token: text('an ACL token').optional(),
  datacenter: text('a datacenter name').optional(),
  tag: text('a tag').optional(),
  ...polling
}, 'true, false or { service, address, token, ... }').superRefine(backoffInOrder)

const etcd = strict({
  endpoints: list(httpUrl, 'an array of etcd URLs').min(1, { error: 'at least one etcd URL' }).optional(),
  prefix: text('a key prefix such as /foundation/shop/nodes/').optional(),
  ttl: integer(1000, 3_600_000, 'a lease time in ms from 1000 to 3600000').optional(),
  auth: strict({ username: text('a user name'), password: z.string({ error: 'a password' }) }, '{ username, password }').optional(),
  minBackoff: duration.optional(),
  maxBackoff: duration.optional()
}, 'true, false or { endpoints, prefix, ttl, auth, ... }').superRefine(backoffInOrder)

const aws = strict({
  tags: tagMap.optional(),
  region: text('an AWS region such as eu-west-1').optional(),
  port: port.optional(),
  addressType: oneOf(['private', 'public']).optional(),
  endpoint: httpUrl.optional(),
  ...polling
}, 'true, false or { tags, region, port, ... }').superRefine(backoffInOrder)

const gcp = strict({
  project: text('a project id').optional(),
  zone: text('a zone such as europe-west1-b').optional(),
  labels: gcpLabels.optional(),
  port: port.optional(),
  apiEndpoint: hostOrUrl.optional(),
  ...polling
}, 'true, false or { project, zone, labels, port, ... }').superRefine(backoffInOrder)

export const discoverySchema = strict({
  mdns: z.union([off, mdns], { error: 'true, false or { interval }' }).optional(),
  static: z.union([off, staticPeers], { error: 'an array of peer addresses, false or { peers, interval, ... }' }).optional(),
  dns: z.union([off, dns], { error: 'a DNS name, false or { name, mode, port, servers, ... }' }).optional(),
  kubernetes: z.union([off, kubernetes], { error: 'true, false or { mode, selector, service, ... }' }).optional(),
  consul: z.union([off, consul], { error: 'true, false or { service, address, token, ... }' }).optional(),
  etcd: z.union([off, etcd], { error: 'true, false or { endpoints, prefix, ttl, auth, ... }' }).optional(),
  aws: z.union([off, aws], { error: 'true, false or { tags, region, port, ... }' }).optional(),
  gcp: z.union([off, gcp], { error: 'true, false or { project, zone, labels, port, ... }' }).optional()
}, 'an object of strategy settings')

export type DiscoverySettings = z.infer<typeof discoverySchema>
