// The member a Deno process runs in the Deno test: the browser entry's bundle, given on the command line the cluster
// and a Node member's WebSockets address. It prints one line of JSON per step and leaves when told "stop" on stdin.
// Deno runs this file as it is, next to the bundle the test writes.
/* eslint-disable no-console */
// @ts-expect-error the bundle exists only where the test writes it, beside a copy of this file
import { Foundation } from './foundation.js'

declare const Deno: { args: string[], stdin: { readable: AsyncIterable<Uint8Array> }, exit(code: number): never }

const [clusterName, bootstrap] = Deno.args
const say = (line: unknown): void => { console.log(JSON.stringify(line)) }

class Greeter {
  receive (message: { who: string }): string { return `deno greets ${message.who}` }
}

const cluster = await Foundation.start({ clusterName, bootstrap: [bootstrap], name: 'deno-member' })
await cluster.spawn(Greeter, { name: 'deno-greeter' })
say({ joined: cluster.id, nodes: cluster.info().nodes })
say({ answer: await cluster.call('greeter', { who: 'deno' }) })
const heard: unknown[] = []
cluster.pubsub.subscribe('news', (message: unknown) => { heard.push(message) })

const decoder = new TextDecoder()
let stopping = false
for await (const chunk of Deno.stdin.readable) {
  // a chunk may hold several commands, one per line
  for (const command of decoder.decode(chunk).split('\n').map(line => line.trim())) {
    if (command === 'heard') { say({ heard }) }
    if (command === 'stop') { stopping = true }
  }
  if (stopping) { break }
}
await cluster.stop()
say({ stopped: true })
// libp2p's peer store locks through mortice, whose BroadcastChannel keeps Deno's event loop alive after the stop
Deno.exit(0)
