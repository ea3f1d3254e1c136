// The Foundation subject of the send benchmark: node a sends to an actor spawned on node b.
import { DEVELOPMENT_DEFAULTS } from '../lib/foundation-configs.ts'
import { remoteActor } from '../lib/foundation-pair.ts'
import { deferred, patternedBytes, yieldToLoop } from '../lib/util.ts'
import type { FoundationConfig } from '../lib/foundation-configs.ts'
import type { SendSubject } from '../lib/throughput.ts'
import type { Deferred } from '../lib/util.ts'

/** Sends this many messages, then yields to the event loop, as a busy producer would. */
const BATCH = 1024

export async function foundationSendSubject (messageSize: number, config: FoundationConfig = DEVELOPMENT_DEFAULTS): Promise<SendSubject> {
  const counter = { received: 0, expected: 0, done: undefined as Deferred<void> | undefined }

  class Sink {
    receive (_msg: unknown): void {
      counter.received++
      if (counter.received === counter.expected) {
        counter.done?.resolve()
      }
    }
  }

  const { from, ref, close } = await remoteActor('send', Sink, config.init, config.seams)
  const body = patternedBytes(messageSize)
  return {
    name: config.name,
    async run (count) {
      counter.received = 0
      counter.expected = count
      counter.done = deferred<void>()
      const done = counter.done.promise
      for (let i = 0; i < count; i++) {
        from.send(ref, body)
        if ((i + 1) % BATCH === 0) { await yieldToLoop() }
      }
      await done
    },
    close
  }
}
