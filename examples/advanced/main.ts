// Level three of Foundation: full control. Two discovery strategies at once (DNS SRV records first, a static seed
// list as the fallback), membership timings tuned for this network, a stable peer id from a key file and an
// allow-list of the peer ids that may join, discovery errors handled, and what discovery did printed.
//
// Every value below can be overridden by its FOUNDATION_* variable (FOUNDATION_DNS_NAME, FOUNDATION_PEERS,
// FOUNDATION_ALLOW_PEERS, FOUNDATION_KEY_FILE, FOUNDATION_LISTEN, ...): the deployment supplies what differs per
// environment, the code keeps the shape. The cluster secret only ever comes from FOUNDATION_SECRET(_FILE).
/* eslint-disable no-console */
// in an application of your own: import { Foundation } from 'foundation-mesh'
import { Foundation } from '../../src/index.ts'
import type { Cluster, FoundationInit } from '../../src/index.ts'

const SECOND = 1000

const options: FoundationInit = {
  profile: 'production',
  clusterName: 'orders',
  listen: ['/ip4/0.0.0.0/tcp/4001'],
  // primary first: DNS says who runs now; the seed list still finds the cluster while DNS is down
  cluster: ['dns', 'static'],
  discovery: {
    dns: {
      name: '_foundation._tcp.orders.internal',
      mode: 'srv',
      interval: 10 * SECOND,
      // a DNS outage is retried after 1 s, then 2, 4, ... up to 20 s
      minBackoff: SECOND,
      maxBackoff: 20 * SECOND
    },
    static: {
      peers: ['10.0.1.10:4001', '10.0.1.11:4001'],
      // seeds rarely change, and the static strategy redials them each round
      interval: 30 * SECOND
    }
  },
  // one data centre: probe often, and give a paused process 3 s to answer before it is declared dead
  membership: { probeInterval: SECOND, probeTimeout: SECOND / 2, suspectTimeout: 3 * SECOND },
  // created on first start, so this node keeps its peer id and the allow-list below stays true
  identity: { keyFile: 'orders-node.key' },
  security: {
    // each node prints its id on start; a peer holding the secret but missing here is refused
    allowPeers: [
      '12D3KooWGLmhsNqLw1JtD1qCn9edxDZbi8zN6chQRixmAVMMb8qA',
      '12D3KooWJjZj7WCiC5ccyGza97oXMRNn4xWvq3pD5dfxEFFCpkFf',
      '12D3KooWKSKqCrhjqLKF4UqZSuXPmVRNr2w5PJudhJDyNZxNNTnZ'
    ]
  }
}

/** One line per strategy: how many peers its last round found, failures in a row, and its last error. */
function printDiscovery (cluster: Cluster): void {
  const { chosenBy, reason, strategies } = cluster.info().discovery
  console.log(`discovery chosen by ${chosenBy}: ${reason}`)
  for (const s of strategies) {
    const last = s.lastError != null ? `, last error ${s.lastError.name}: ${s.lastError.message}` : ''
    console.log(`discovery ${s.name}: found ${s.candidates}, failures ${s.failures}${last}`)
  }
}

const starting = Foundation.start(options)

// a signal may come while the node is still starting: it is stopped as soon as it is up
let stopping = false
function stop (signal: NodeJS.Signals): void {
  if (stopping) { return }
  stopping = true
  console.log(`stopping (${signal})`)
  starting.then(async (cluster) => {
    // what discovery did over this node's life, before its strategies stop
    printDiscovery(cluster)
    await cluster.stop()
  }).then(() => {
    console.log('stopped')
    process.exit(0)
  }, (err: Error) => {
    console.error(`stop failed: ${err.message}`)
    process.exit(1)
  })
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

try {
  const cluster = await starting
  console.log(`started ${cluster.name} as peer id ${cluster.id} on ${cluster.addresses().join(', ')}`)
  printDiscovery(cluster)

  cluster.addEventListener('member:join', (evt) => {
    console.log(`joined ${evt.detail.name} (${evt.detail.id})`)
    printDiscovery(cluster)
  })
  cluster.addEventListener('member:leave', (evt) => { console.log(`left ${evt.detail.name} (${evt.detail.status})`) })
  // a failed round never stops the node: the strategy retries with backoff and the other one keeps working;
  // here is where an alert or a metric would go
  cluster.addEventListener('discovery:error', (evt) => {
    console.error(`discovery error: ${evt.detail.name}: ${evt.detail.message}`)
  })
} catch (err: any) {
  // MissingSecretError (no FOUNDATION_SECRET) or a ConfigError naming the field or variable that is wrong
  console.error(`could not start: ${err.name}: ${err.message}`)
  process.exit(1)
}
