// Failure detection: a direct ping, then ping-req through other members, then suspicion; and relaying for others.
import { randomInt, sample } from './random.ts'
import type { Gossip } from './gossip.ts'
import type { Outbox } from './outbox.ts'
import type { ProbeOrder } from './probe-order.ts'
import type { Random } from './random.ts'
import type { SwimConfig } from './swim-config.ts'
import type { View } from './view.ts'

export interface ProberInit {
  config: Pick<SwimConfig, 'probeInterval' | 'probeTimeout' | 'indirectProbes'>
  random: Random
  now: number
  view: View
  order: ProbeOrder
  gossip: Gossip
  outbox: Outbox
  /** a probe failed: the target is suspected */
  suspect(id: string, now: number): void
}

interface Probe {
  target: string
  seq: number
  startedAt: number
  indirect: boolean
}

/** A ping we send on behalf of a member that asked us to (ping-req). */
interface Relay {
  requester: string
  requesterSeq: number
  expiresAt: number
}

export class Prober {
  private readonly config: ProberInit['config']
  private readonly random: Random
  private readonly view: View
  private readonly order: ProbeOrder
  private readonly gossip: Gossip
  private readonly outbox: Outbox
  private readonly suspect: (id: string, now: number) => void
  /** keyed by the seq of our own ping to the target */
  private readonly relays = new Map<number, Relay>()
  private probe?: Probe
  private nextProbeAt: number
  private seq = 0

  constructor (init: ProberInit) {
    this.config = init.config
    this.random = init.random
    this.view = init.view
    this.order = init.order
    this.gossip = init.gossip
    this.outbox = init.outbox
    this.suspect = init.suspect
    // nodes started together should not probe in lockstep
    this.nextProbeAt = init.now + randomInt(this.random, this.config.probeInterval)
  }

  /** Escalates or fails the probe under way, starts the next one when due, and drops stale relays. */
  tick (now: number): void {
    this.advance(now)
    if (now >= this.nextProbeAt) {
      this.nextProbeAt = now + this.config.probeInterval
      this.start(now)
    }
    for (const [seq, relay] of this.relays) {
      if (now >= relay.expiresAt) { this.relays.delete(seq) }
    }
  }

  /** Answers a direct ping. */
  answer (from: string, seq: number): void {
    this.outbox.send(from, { type: 'ack', seq, updates: this.gossip.piggyback(from) })
  }

  onAck (seq: number): void {
    if (this.probe?.seq === seq) {
      this.probe = undefined
      return
    }
    const relay = this.relays.get(seq)
    if (relay == null) { return }
    this.relays.delete(seq)
    this.answer(relay.requester, relay.requesterSeq)
  }

  /** A ping-req: probes `target` for `requester` and passes the ack back under the requester's seq. */
  relay (requester: string, requesterSeq: number, target: string, now: number): void {
    if (target === this.view.self.id) {
      this.answer(requester, requesterSeq)
      return
    }
    const seq = ++this.seq
    this.relays.set(seq, { requester, requesterSeq, expiresAt: now + this.config.probeInterval })
    this.ping(target, seq)
  }

  /** Drops the probe of `target`, whose failure is already known some other way. */
  cancel (target: string): void {
    if (this.probe?.target === target) { this.probe = undefined }
  }

  /** Stops probing and relaying for good: this node is leaving. */
  stop (): void {
    this.probe = undefined
    this.relays.clear()
  }

  private start (now: number): void {
    const target = this.order.next()
    if (target == null) { return }
    const seq = ++this.seq
    this.probe = { target, seq, startedAt: now, indirect: false }
    this.ping(target, seq)
  }

  private advance (now: number): void {
    const probe = this.probe
    if (probe == null) { return }
    if (!probe.indirect && now >= probe.startedAt + this.config.probeTimeout) {
      probe.indirect = true
      const helpers = this.view.eligibleAlive().filter(id => id !== probe.target)
      for (const helper of sample(this.random, helpers, this.config.indirectProbes)) {
        this.outbox.send(helper, { type: 'ping-req', seq: probe.seq, target: probe.target, updates: this.gossip.piggyback(helper) })
      }
    }
    if (now >= probe.startedAt + this.config.probeInterval) {
      this.probe = undefined
      this.suspect(probe.target, now)
    }
  }

  private ping (target: string, seq: number): void {
    this.outbox.send(target, { type: 'ping', seq, updates: this.gossip.piggyback(target) })
  }
}
