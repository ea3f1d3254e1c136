// The Foundation subject of the send benchmark: node a sends to an actor spawned on node b.
import { Foundation } from '../../src/index.ts'
import { deferred, yieldToLoop } from '../lib/util.ts'
import type { SendSubject } from '../lib/throughput.ts'
import type { Deferred } from '../lib/util.ts'

/** Sends between awaits of pending send promises (if send returns one) and yields to the event loop. */
const BATCH = 1024

export async function foundationSendSubject (messageSize: number): Promise<SendSubject> {
  const counter = { received: 0, expected: 0, done: undefined as Deferred<void> | undefined }

  class Sink {
    receive (_msg: unknown): void {
      counter.received++
      if (counter.received === counter.expected) {
        counter.done?.resolve()
      }
    }
  }

  const cluster = `bench-send-${process.pid}`
  const a = await Foundation.start({ cluster, name: 'a', discovery: { mdns: false }, listen: ['/ip4/127.0.0.1/tcp/0'] })
  const b = await Foundation.start({ cluster, name: 'b', discovery: { mdns: false }, listen: ['/ip4/127.0.0.1/tcp/0'] })
  try {
    await b.connect(a.addresses())
    const ref = await b.spawn(Sink, { name: 'sink' })
    if (ref.node === a.id) { throw new Error('the actor must live on the other node') }
    const body = new Uint8Array(messageSize)
    for (let i = 0; i < body.length; i++) { body[i] = i & 0xff }

    return {
      name: 'Foundation',
      async run (count) {
        counter.received = 0
        counter.expected = count
        counter.done = deferred<void>()
        const done = counter.done.promise
        let pending: Array<Promise<unknown>> = []
        for (let i = 0; i < count; i++) {
          const sent: unknown = a.send(ref, body)
          if (sent instanceof Promise) { pending.push(sent) }
          if ((i + 1) % BATCH === 0) {
            await Promise.all(pending)
            pending = []
            await yieldToLoop()
          }
        }
        await Promise.all(pending)
        await done
      },
      async close () {
        await Promise.allSettled([a.stop(), b.stop()])
      }
    }
  } catch (err) {
    await Promise.allSettled([a.stop(), b.stop()])
    throw err
  }
}
