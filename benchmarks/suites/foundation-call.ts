// The Foundation subject of the call benchmark: node a calls an echo actor spawned on node b.
import { Foundation } from '../../src/index.ts'
import type { CallSubject } from '../lib/latency.ts'

export async function foundationCallSubject (requestSize: number): Promise<CallSubject> {
  class Echo {
    // the value returned by receive is the reply to a call
    receive (msg: unknown): unknown {
      return msg
    }
  }

  const cluster = `bench-call-${process.pid}`
  const a = await Foundation.start({ cluster, name: 'a', discovery: { mdns: false }, listen: ['/ip4/127.0.0.1/tcp/0'] })
  const b = await Foundation.start({ cluster, name: 'b', discovery: { mdns: false }, listen: ['/ip4/127.0.0.1/tcp/0'] })
  try {
    await b.connect(a.addresses())
    const ref = await b.spawn(Echo, { name: 'echo' })
    if (ref.node === a.id) { throw new Error('the actor must live on the other node') }
    const body = new Uint8Array(requestSize)
    for (let i = 0; i < body.length; i++) { body[i] = i & 0xff }

    return {
      name: 'Foundation',
      async call () {
        await a.call(ref, body, { timeout: 1000 })
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
