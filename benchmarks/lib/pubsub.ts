// Publish-to-deliver measurements for one publisher and several subscribers, all in this process.
// Throughput is closed-loop: at most `window` messages are in flight (published, not yet delivered to every
// subscriber), so a subject that drops or queues messages cannot look faster than it delivers.
import { sig3 } from './result.ts'
import { median, percentile, now } from './stats.ts'
import { deferred, errorMessage, within } from './util.ts'
import type { SubjectResult } from './result.ts'
import type { Deferred } from './util.ts'

export const PUBSUB_MESSAGE_SIZE = 1024

export interface PubsubSubject {
  readonly name: string
  readonly subscribers: number
  /** register the delivery callback: subscriber index, message sequence number */
  onDeliver(deliver: (subscriber: number, seq: number) => void): void
  /** publish message `seq` from the publisher */
  publish(seq: number): Promise<void>
  close(): Promise<void>
}

export interface PubsubOptions {
  /** throughput rounds per subject */
  rounds: number
  /** length of one throughput round */
  throughputSeconds: number
  window: number
  latencyMessages: number
  /** a message not delivered to every subscriber within this time counts as lost */
  lossTimeoutMs: number
}

/** Encode a sequence number into a 1 KiB payload (first 4 bytes, big-endian). */
export function seqPayload (seq: number): Uint8Array {
  const body = new Uint8Array(PUBSUB_MESSAGE_SIZE)
  new DataView(body.buffer).setUint32(0, seq)
  return body
}

export function payloadSeq (data: Uint8Array): number {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0)
}

class Tracker {
  private readonly subscribers: number
  private readonly deliveries = new Map<number, { sentAt: number, seen: Set<number>, done: Deferred<void> }>()
  readonly latenciesUs: number[] = []
  duplicates = 0
  late = 0
  onComplete: (() => void) | undefined

  constructor (subscribers: number) {
    this.subscribers = subscribers
  }

  sent (seq: number): Promise<void> {
    const done = deferred<void>()
    this.deliveries.set(seq, { sentAt: now(), seen: new Set(), done })
    return done.promise
  }

  deliver (subscriber: number, seq: number): void {
    const entry = this.deliveries.get(seq)
    if (entry == null) {
      this.late++
      return
    }
    if (entry.seen.has(subscriber)) {
      this.duplicates++
      return
    }
    entry.seen.add(subscriber)
    this.latenciesUs.push((now() - entry.sentAt) * 1000)
    if (entry.seen.size === this.subscribers) {
      this.deliveries.delete(seq)
      entry.done.resolve()
      this.onComplete?.()
    }
  }

  forget (seq: number): void {
    this.deliveries.delete(seq)
  }

  get inFlight (): number {
    return this.deliveries.size
  }
}

/** Latency: `count` messages published one at a time, each awaited at every subscriber. */
async function latencyPhase (subject: PubsubSubject, tracker: Tracker, next: () => number, count: number, lossTimeoutMs: number): Promise<{ samples: number[], lost: number }> {
  let lost = 0
  for (let i = 0; i < count; i++) {
    const s = next()
    const delivered = tracker.sent(s)
    await subject.publish(s)
    if (!(await within(delivered.then(() => true), lossTimeoutMs))) {
      tracker.forget(s)
      lost++
    }
  }
  return { samples: tracker.latenciesUs.splice(0), lost }
}

/** Throughput: keep `window` messages in flight for `seconds`; rate = messages delivered to all / time. */
async function throughputPhase (subject: PubsubSubject, tracker: Tracker, next: () => number, options: PubsubOptions): Promise<{ rate: number, published: number, completed: number, lost: number, samples: number[] }> {
  let completed = 0
  let lost = 0
  let published = 0
  let slot: Deferred<void> | undefined
  tracker.onComplete = () => { completed++; slot?.resolve() }
  const pending: Array<Promise<void>> = []
  const start = now()
  const deadline = start + options.throughputSeconds * 1000
  let lastCompletion = start
  try {
    while (now() < deadline) {
      if (tracker.inFlight >= options.window) {
        slot = deferred<void>()
        if (!(await within(slot.promise.then(() => true), options.lossTimeoutMs))) { break }
        continue
      }
      const s = next()
      const delivered = tracker.sent(s)
      pending.push(within(delivered.then(() => true), options.lossTimeoutMs)
        // eslint-disable-next-line no-loop-func -- counts outcomes of this round's messages, read after the loop
        .then(ok => { if (ok) { lastCompletion = now() } else { tracker.forget(s); lost++ } }))
      published++
      await subject.publish(s)
    }
    await Promise.all(pending)
  } finally {
    tracker.onComplete = undefined
  }
  const seconds = (lastCompletion - start) / 1000
  return { rate: seconds > 0 ? completed / seconds : 0, published, completed, lost, samples: tracker.latenciesUs.splice(0) }
}

/**
 * Measures every subject, alternating between them: first the latency phase of each, then `rounds` throughput
 * phases of each in turn. Value = median throughput round.
 */
export async function measurePubsub (subjects: PubsubSubject[], options: PubsubOptions): Promise<{ results: SubjectResult[], failures: string[] }> {
  const state = subjects.map((subject, index) => {
    const tracker = new Tracker(subject.subscribers)
    subject.onDeliver((subscriber, seq) => { tracker.deliver(subscriber, seq) })
    let seq = index * 100_000_000 + 1
    return {
      subject,
      tracker,
      next: () => seq++,
      latency: { samples: [] as number[], lost: 0 },
      rounds: [] as Array<Awaited<ReturnType<typeof throughputPhase>>>,
      failed: undefined as string | undefined
    }
  })
  const failures: string[] = []
  const guard = async (s: typeof state[number], fn: () => Promise<void>): Promise<void> => {
    if (s.failed != null) { return }
    try {
      await fn()
    } catch (err) {
      s.failed = errorMessage(err)
      failures.push(`${s.subject.name} dropped: ${s.failed}`)
    }
  }

  for (const s of state) {
    await guard(s, async () => { s.latency = await latencyPhase(s.subject, s.tracker, s.next, options.latencyMessages, options.lossTimeoutMs) })
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const s of state) {
      await guard(s, async () => { s.rounds.push(await throughputPhase(s.subject, s.tracker, s.next, options)) })
    }
  }

  const results = state.filter(s => s.failed == null).map(s => {
    const loaded = s.rounds.flatMap(r => r.samples)
    return {
      subject: s.subject.name,
      value: sig3(median(s.rounds.map(r => r.rate))),
      rounds: s.rounds.map(r => ({ rate: sig3(r.rate), published: r.published, deliveredToAll: r.completed, lost: r.lost })),
      window: options.window,
      latencyUs: {
        p50: sig3(percentile(s.latency.samples, 50)),
        p99: sig3(percentile(s.latency.samples, 99)),
        max: sig3(Math.max(...s.latency.samples)),
        deliveries: s.latency.samples.length,
        lost: s.latency.lost
      },
      loadedLatencyUs: { p50: sig3(percentile(loaded, 50)), p99: sig3(percentile(loaded, 99)) },
      duplicates: s.tracker.duplicates,
      late: s.tracker.late
    }
  })
  return { results, failures }
}
