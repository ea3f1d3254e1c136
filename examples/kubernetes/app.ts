// A node of the "shop" cluster in Kubernetes: the one line is `Foundation.start({ cluster: 'kubernetes' })`;
// the rest (cluster name, node name, secret, production profile) comes from the FOUNDATION_* variables that
// deployment.yaml sets.
/* eslint-disable no-console */
// in an application of your own: import { Foundation } from 'foundation-mesh'
import { Foundation } from '../../src/index.ts'

const cluster = await Foundation.start({ cluster: 'kubernetes' })
console.log(`${cluster.name} joined; discovery: ${cluster.info().discovery.reason}`)

cluster.addEventListener('member:join', (evt) => { console.log(`+ ${evt.detail.name}`) })
cluster.addEventListener('member:leave', (evt) => { console.log(`- ${evt.detail.name} (${evt.detail.status})`) })
cluster.addEventListener('discovery:error', (evt) => { console.error(evt.detail.message) })

// Kubernetes sends SIGTERM before it removes a pod: leave the cluster gracefully, within the grace period
process.once('SIGTERM', () => {
  cluster.stop().then(() => process.exit(0), (err: Error) => {
    console.error(err)
    process.exit(1)
  })
})
