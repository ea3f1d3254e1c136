// Failure detection: a direct ping, then ping-req through other members, then suspicion; and relaying for others.
import { MAX_SEQ } from './messages.ts'
import { randomInt, sample } from './random.ts'
import type { Gossip } from './gossip.ts'
import type { LocalHealth } from './local-health.ts'
import type { Outbox } from './outbox.ts'
import type { ProbeOrder } from './probe-order.ts'
import type { Random } from './random.ts'
import type { SwimConfig } from './swim-config.ts'
import type { View } from './view.ts'

/**
 * A relay nacks after this share of the probe timeout, so that the nack reaches the requester before its probe
 * interval ends (the interval is at least twice the timeout, and the ping-req went out at the timeout).
 */
export const RELAY_NACK_AFTER = 0.8

export interface ProberInit {
  config: Pick<SwimConfig, 'probeInterval' | 'probeTimeout' | 'indirectProbes'>
  random: Random
  now: number
  view: View
  order: ProbeOrder
  gossip: Gossip
  outbox: Outbox
  health: LocalHealth
  /** a probe failed: the target is suspected; `closed` when its connection had closed before */
  suspect(id: string, now: number, closed: boolean): void
  /** the target of a check answered */
  answered(id: string, now: number): void
}

interface Probe {
  target: string
  seq: number
  /** when a silent target is handed to helpers (a round probe) or suspected (a check after a lost connection) */
  timeoutAt: number
  /** when a round probe fails */
  deadline: number
  /** a check of one member outside the round (its connection closed, or it is about to be declared dead): a direct ping only */
  check: boolean
  /** the check follows a closed connection */
  closed: boolean
  /** the target was handed to helpers */
  indirect: boolean
  /** members asked to ping the target, each expected to ack or nack */
  helpers: Set<string>
  /** helpers that said they could not reach the target either */
  nacked: Set<string>
}

/** A ping we send on behalf of a member that asked us to (ping-req). */
interface Relay {
  requester: string
  requesterSeq: number
  target: string
  /** when to nack, if the requester asked for it and no ack came */
  nackAt?: number
  expiresAt: number
}

export class Prober {
  private readonly config: ProberInit['config']
  private readonly random: Random
  private readonly view: View
  private readonly order: ProbeOrder
  private readonly gossip: Gossip
  private readonly outbox: Outbox
  private readonly health: LocalHealth
  private readonly suspect: ProberInit['suspect']
  private readonly answered: ProberInit['answered']
  /** our probes under way, keyed by the seq of our ping */
  private readonly probes = new Map<number, Probe>()
  /** keyed by the seq of our own ping to the target */
  private readonly relays = new Map<number, Relay>()
  private round?: Probe
  private nextProbeAt: number
  private seq = 0

  constructor (init: ProberInit) {
    this.config = init.config
    this.random = init.random
    this.view = init.view
    this.order = init.order
    this.gossip = init.gossip
    this.outbox = init.outbox
    this.health = init.health
    this.suspect = init.suspect
    this.answered = init.answered
    // nodes started together should not probe in lockstep
    this.nextProbeAt = init.now + randomInt(this.random, this.config.probeInterval)
  }

  /** Escalates or fails the probes under way, starts the next one when due, nacks and drops stale relays. */
  tick (now: number): void {
    for (const probe of [...this.probes.values()]) { this.advance(probe, now) }
    if (now >= this.nextProbeAt && this.round == null) {
      // Lifeguard: a node in doubt about itself probes less often and waits longer for each answer
      this.nextProbeAt = now + this.health.scale(this.config.probeInterval)
      this.start(now)
    }
    for (const [seq, relay] of this.relays) {
      if (relay.nackAt != null && now >= relay.nackAt) {
        relay.nackAt = undefined
        this.outbox.send(relay.requester, { type: 'nack', seq: relay.requesterSeq })
      }
      if (now >= relay.expiresAt) { this.relays.delete(seq) }
    }
  }

  /** Answers a direct ping. */
  answer (from: string, seq: number): void {
    this.outbox.send(from, { type: 'ack', seq, ...this.gossip.piggyback(from) })
  }

  /** An ack counts from the target itself, or from a member we asked to relay: no one else can vouch for it. */
  onAck (from: string, seq: number, now: number): void {
    const probe = this.probes.get(seq)
    if (probe != null) {
      if (from !== probe.target && !probe.helpers.has(from)) { return }
      this.finish(probe)
      if (probe.check) {
        this.answered(probe.target, now)
      } else {
        // an answer in time is a sign of our own health
        this.health.lower()
      }
      return
    }
    const relay = this.relays.get(seq)
    if (relay == null || from !== relay.target) { return }
    this.relays.delete(seq)
    this.answer(relay.requester, relay.requesterSeq)
  }

  /** A helper could not reach the target either: it is alive, so the silence is the target's, not ours. */
  onNack (from: string, seq: number): void {
    const probe = this.probes.get(seq)
    if (probe?.helpers.has(from) === true) { probe.nacked.add(from) }
  }

  /** A ping-req: probes `target` for `requester` and passes the ack back under the requester's seq. */
  relay (requester: string, requesterSeq: number, target: string, nack: boolean, now: number): void {
    if (target === this.view.self.id) {
      this.answer(requester, requesterSeq)
      return
    }
    const seq = this.nextSeq()
    this.relays.set(seq, {
      requester,
      requesterSeq,
      target,
      nackAt: nack ? now + RELAY_NACK_AFTER * this.config.probeTimeout : undefined,
      // a requester in doubt about itself waits several intervals: an ack that late still helps it
      expiresAt: now + 2 * this.config.probeInterval
    })
    this.ping(target, seq)
  }

  /**
   * Pings a member now instead of waiting for its turn, and suspects it if it does not answer within a probe
   * timeout. After its connection closed (`closed`): a closed connection alone proves nothing (libp2p closes
   * duplicate connections after a dial race, and prunes idle ones), but a crashed process also misses this ping,
   * at once, on every member it was connected to. Or before declaring it dead on others' word only.
   */
  check (target: string, now: number, closed: boolean): void {
    for (const probe of this.probes.values()) {
      if (probe.check && probe.target === target) {
        probe.closed ||= closed
        return
      }
    }
    const seq = this.nextSeq()
    // in partial views links close all the time for reasons that say nothing of the peer (a neighbour swapped, an
    // idle connection closed), and the ping waits for a dial first: it gets a probe interval, as a stranger's does
    const wait = closed && this.view.watchesNeighboursOnly ? this.config.probeInterval : this.config.probeTimeout
    const timeoutAt = now + this.health.scale(wait)
    const probe = this.probe(target, seq, timeoutAt, timeoutAt, true)
    probe.closed = closed
    this.probes.set(seq, probe)
    this.ping(target, seq)
  }

  /** Stops probing and relaying for good: this node is leaving. */
  stop (): void {
    this.probes.clear()
    this.round = undefined
    this.relays.clear()
  }

  private start (now: number): void {
    const target = this.order.next(now)
    if (target == null) { return }
    const seq = this.nextSeq()
    const { probeTimeout, probeInterval } = this.config
    // a stranger (partial views) is rarely connected to us or to the neighbours that help: the ping and each relay
    // wait for a dial first, which a probe timeout does not cover; it gets a whole interval for each stage
    const stranger = this.view.watchesNeighboursOnly && !this.view.isEligible(target)
    const timeoutAt = now + this.health.scale(stranger ? probeInterval : probeTimeout)
    this.round = this.probe(target, seq, timeoutAt, now + this.health.scale(stranger ? 2 * probeInterval : probeInterval), false)
    this.probes.set(seq, this.round)
    this.ping(target, seq)
  }

  private advance (probe: Probe, now: number): void {
    if (probe.check) {
      if (now >= probe.timeoutAt) {
        this.finish(probe)
        this.suspect(probe.target, now, probe.closed)
      }
      return
    }
    if (!probe.indirect && now >= probe.timeoutAt) { this.askHelpers(probe) }
    if (now >= probe.deadline) {
      this.finish(probe)
      // memberlist's rule: with helpers, each one that did not even nack is a sign the problem is ours; without
      // helpers, any failure is
      const expected = probe.helpers.size
      this.health.raise(expected > 0 ? expected - probe.nacked.size : 1)
      this.suspect(probe.target, now, false)
    }
  }

  private probe (target: string, seq: number, timeoutAt: number, deadline: number, check: boolean): Probe {
    return { target, seq, timeoutAt, deadline, check, closed: false, indirect: false, helpers: new Set(), nacked: new Set() }
  }

  private askHelpers (probe: Probe): void {
    probe.indirect = true
    const helpers = sample(this.random, this.view.helpers().filter(id => id !== probe.target), this.config.indirectProbes)
    for (const helper of helpers) {
      probe.helpers.add(helper)
      this.outbox.send(helper, { type: 'ping-req', seq: probe.seq, target: probe.target, nack: true, ...this.gossip.piggyback(helper) })
    }
  }

  private finish (probe: Probe): void {
    this.probes.delete(probe.seq)
    if (this.round === probe) { this.round = undefined }
  }

  private ping (target: string, seq: number): void {
    this.outbox.send(target, { type: 'ping', seq, ...this.gossip.piggyback(target) })
  }

  private nextSeq (): number {
    this.seq = this.seq >= MAX_SEQ ? 1 : this.seq + 1
    return this.seq
  }
}
