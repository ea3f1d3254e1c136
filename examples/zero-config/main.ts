// Level one of Foundation: no configuration at all. Nodes started on one machine or LAN find each other by mDNS
// (the development profile) and print who joins and leaves, until Ctrl-C or SIGTERM.
/* eslint-disable no-console */
// in an application of your own: import { Foundation } from 'foundation-mesh'
import { Foundation } from '../../src/index.ts'

const starting = Foundation.start()

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
  const info = cluster.info()
  console.log(`started ${cluster.name} (${cluster.id}) in cluster "${info.cluster}"`)
  console.log(`discovery: ${info.strategy}, ${info.discovery.reason}`)

  cluster.addEventListener('member:join', (evt) => { console.log(`joined ${evt.detail.name}`) })
  cluster.addEventListener('member:leave', (evt) => { console.log(`left ${evt.detail.name} (${evt.detail.status})`) })
} catch (err: any) {
  // a wrong option or FOUNDATION_* variable: the message names the field and what it expected
  console.error(`could not start: ${err.message}`)
  process.exit(1)
}
