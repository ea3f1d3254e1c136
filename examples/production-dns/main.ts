// Level two of Foundation: one line in production. The node finds its peers in DNS (`cluster: 'dns'`); everything
// else (production profile, secret, the DNS name and port, listen address, node name) comes from FOUNDATION_*
// variables set by the deployment. Leaves the cluster gracefully on SIGTERM or Ctrl-C.
/* eslint-disable no-console */
// in an application of your own: import { Foundation } from 'foundation-mesh'
import { Foundation } from '../../src/index.ts'

const starting = Foundation.start({ cluster: 'dns' })

// a signal may come while the node is still starting: it is stopped as soon as it is up
let stopping = false
function stop (signal: NodeJS.Signals): void {
  if (stopping) { return }
  stopping = true
  console.log(`stopping (${signal})`)
  starting.then(async (cluster) => { await cluster.stop() }).then(() => {
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
  console.log(`started ${cluster.name} (${cluster.id}) on ${cluster.addresses().join(', ')}`)
  console.log(`discovery: ${cluster.info().discovery.reason}`)

  cluster.addEventListener('member:join', (evt) => { console.log(`joined ${evt.detail.name}`) })
  cluster.addEventListener('member:leave', (evt) => { console.log(`left ${evt.detail.name} (${evt.detail.status})`) })
  // DNS that does not answer or lacks the name is reported and retried; the node keeps its members meanwhile
  cluster.addEventListener('discovery:error', (evt) => { console.error(`discovery error: ${evt.detail.message}`) })
} catch (err: any) {
  // MissingSecretError (no FOUNDATION_SECRET) or a ConfigError naming the field or variable that is wrong
  console.error(`could not start: ${err.name}: ${err.message}`)
  process.exit(1)
}
