// A worker node of the map-reduce benchmark in a process of its own, driven over its stdio (see
// benchmarks/lib/node-process.ts): a Foundation node that registers the burn and the near-zero thread tasks, each
// with its own pool of THREADS threads, and joins the coordinator given in PEERS. It coordinates nothing.
import { Foundation } from '../../src/index.ts'
import { serveCommands } from '../lib/stdio-commands.ts'
import { BURN_EXPORT, BURN_TASK, NODE_INIT, TASK_MODULE, TOUCH_EXPORT, TOUCH_TASK } from './settings.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

const threads = Number(process.env.THREADS)
const node = await Foundation.start({
  ...NODE_INIT,
  clusterName: process.env.CLUSTER,
  name: process.env.NAME,
  listen: ['/ip4/127.0.0.1/tcp/0'],
  discovery: { mdns: false, static: (process.env.PEERS ?? '').split(',').filter(a => a !== '') }
}) as FoundationNode
node.task(BURN_TASK, { module: TASK_MODULE, export: BURN_EXPORT, threads })
node.task(TOUCH_TASK, { module: TASK_MODULE, export: TOUCH_EXPORT, threads })

serveCommands({
  /** the members this node counts alive, and the chunks it runs now */
  status: async () => ({ members: node.members().filter(m => m.status === 'alive').length, running: node.compute.chunksRunning() })
}, { id: node.id, name: node.name })
