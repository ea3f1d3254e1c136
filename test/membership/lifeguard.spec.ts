// Lifeguard in the SWIM core: local health, dynamic suspicion, the buddy system, and stalls of the node itself.
import { expect } from 'aegir/chai'
import { SILENT_SUSPICION_MULT } from '../../src/membership/swim/merge-news.ts'
import { seededRandom, randomInt } from '../../src/membership/swim/random.ts'
import { RunClock } from '../../src/membership/swim/run-clock.ts'
import { suspicionTimeout } from '../../src/membership/swim/suspicion.ts'
import { SwimCore } from '../../src/membership/swim/swim-core.ts'
import { syncInterval } from '../../src/membership/swim/sync.ts'
import { SEEDS, eventsOf, formCluster, ids, member } from './sim-helpers.ts'
import { TEST_CONFIG } from './simulator.ts'
import type { Simulator } from './simulator.ts'
import type { Member } from '../../src/membership/index.ts'
import type { SwimMessage, Witnesses } from '../../src/membership/swim/messages.ts'
import type { SwimConfig, SwimOutput } from '../../src/membership/swim/swim-core.ts'

const { probeInterval, probeTimeout, suspectTimeout, tickInterval } = TEST_CONFIG
/** the longest suspicion (one witness) and the floor for a member that went silent, up to 10 members */
const MAX = TEST_CONFIG.suspicionMaxMult * suspectTimeout
const SILENT = SILENT_SUSPICION_MULT * suspectTimeout

/** A core that knows `others` alive, as if `others[0]` had told it; time starts at 0. */
function coreWith (others: string[], config: Partial<SwimConfig> = {}): SwimCore {
  const core = new SwimCore({ self: { id: 'me', name: 'me', roles: [], addresses: [] }, config: { ...TEST_CONFIG, ...config }, random: seededRandom(3), now: 0 })
  core.receive(others[0], { type: 'gossip', updates: others.map(id => member(id, 'alive', 0)) }, 0)
  return core
}

/** Drives a core's timers from `from` to `to` as the adapter does, one tick per tickInterval; returns what it did. */
function runCore (core: SwimCore, from: number, to: number, each?: (out: SwimOutput, now: number) => void): SwimOutput {
  const all: SwimOutput = { send: [], events: [], news: [], forgotten: [] }
  for (let now = from; now <= to; now += tickInterval) {
    const out = core.tick(now)
    all.send.push(...out.send)
    all.news.push(...out.news)
    all.events.push(...out.events)
    each?.(out, now)
  }
  return all
}

/** Every member the core pings answers at once, with no news: they are all reachable. */
function answerPings (core: SwimCore): (out: SwimOutput, now: number) => void {
  return (out, now) => {
    for (const o of out.send) {
      if (o.message.type === 'ping') { core.receive(o.to, { type: 'ack', seq: o.message.seq, updates: [] }, now) }
    }
  }
}

/** The first ping in `out`, to `to` if given. */
function pingIn (out: SwimOutput, to?: string): SwimMessage | undefined {
  return out.send.find(o => o.message.type === 'ping' && (to == null || o.to === to))?.message
}

function leaves (out: SwimOutput): boolean {
  return out.events.some(e => e.type === 'leave')
}

function gossip (updates: Member[], witnesses?: Witnesses[]): SwimMessage {
  return witnesses == null ? { type: 'gossip', updates } : { type: 'gossip', updates, witnesses }
}

/** When the core declared `id` dead while driven from `from` for `ms` (its probes all answered), or undefined. */
function deathTime (core: SwimCore, id: string, from: number, ms: number): number | undefined {
  let at: number | undefined
  const answer = answerPings(core)
  runCore(core, from, from + ms, (out, now) => {
    answer(out, now)
    if (at == null && out.events.some(e => e.type === 'leave' && e.member.id === id)) { at = now }
  })
  return at
}

/** Every node holds `subject` alive at the incarnation `subject` holds for itself. */
function agreeOn (sim: Simulator, subject: string): boolean {
  const incarnation = sim.node(subject).core.self().incarnation
  return sim.converged() && [...sim.nodes.keys()].every(id => sim.node(id).core.get(subject)?.incarnation === incarnation)
}

/**
 * A machine in trouble: one-way delays of 20-150 ms (a round trip up to 300 ms against a 250 ms probe timeout),
 * a third of the nodes running only every 20-300 ms, and every `stallEvery` ms a random node's event loop blocked
 * for 0.2-2 s. Every node stays alive throughout, so any death is a false one.
 */
function troubled (sim: Simulator, seed: number, ms: number, stallEvery: number): void {
  const random = seededRandom(seed * 7919)
  const nodes = [...sim.nodes.values()]
  sim.delay = (_from, _to, r) => 20 + randomInt(r, 131)
  for (const node of nodes) { if (random() < 1 / 3) { node.runEvery = [20, 300] } }
  const end = sim.now + ms
  while (sim.now < end) {
    sim.run(stallEvery)
    const victim = nodes[randomInt(random, nodes.length)]
    sim.pause(victim.id, Math.max(200 + randomInt(random, 1801), victim.nextRunAt - sim.now))
  }
  for (const node of nodes) { node.runEvery = undefined }
  sim.delay = undefined
}

describe('membership/lifeguard', () => {
  describe('timers that grow with the evidence and the cluster', () => {
    it('a suspicion starts at max and shrinks logarithmically to its floor at k confirmations', () => {
      expect(suspicionTimeout(0, 2000, 12_000, 3)).to.equal(12_000)
      expect(suspicionTimeout(1, 2000, 12_000, 3)).to.equal(7000)
      expect(suspicionTimeout(2, 2000, 12_000, 3)).to.equal(4075)
      expect(suspicionTimeout(3, 2000, 12_000, 3)).to.equal(2000)
      expect(suspicionTimeout(30, 2000, 12_000, 3)).to.equal(2000)
      // no one could confirm: the floor at once
      expect(suspicionTimeout(0, 2000, 12_000, 0)).to.equal(2000)
    })

    it('syncs less often above 32 members, by log2 of the size, like memberlist', () => {
      expect([10, 32, 33, 64, 65, 100, 128, 129, 10_000].map(n => syncInterval(30_000, n) / 30_000)).to.deep.equal([1, 1, 2, 2, 3, 3, 3, 4, 10])
    })
  })

  describe('dynamic suspicion, on one core', () => {
    // me and nine others: min = suspectTimeout x log10(10) = 1 s, silent floor 4 s, max 6 s, k = 3
    const others = ids(9)

    /** A core that knows n0..n8 and does not probe n2 (not a neighbour): it has only others' word on n2. */
    function judge (): SwimCore {
      const core = coreWith(others)
      core.setNeighbours(others.filter(id => id !== 'n2'))
      return core
    }

    it('a flood of suspicions from one member, naming witnesses of its own invention, runs to max', () => {
      const core = judge()
      const claim: Witnesses = { id: 'n2', by: ['n8', 'x1', 'x2', 'x3', 'n4', 'n5'], closed: ['n8', 'x1', 'x2', 'x3', 'n4', 'n5'] }
      // a thousand times in the first second, as gossip and as pings
      const answer = answerPings(core)
      let at = 0
      for (let i = 0; i < 1000; i++) {
        at = Math.floor(i / 10) * 10
        const updates = [member('n2', 'suspect', 0)]
        core.receive('n8', i % 2 === 0 ? gossip(updates, [claim]) : { type: 'ping', seq: i, updates, witnesses: [claim] }, at)
        if (i % 10 === 9) { answer(core.tick(at), at) }
      }
      expect(core.get('n2')?.status).to.equal('suspect')
      // n2 cannot answer here, so the timer does run out: at max, not before
      const died = deathTime(core, 'n2', at + tickInterval, MAX + 1000)
      expect(died).to.be.at.least(MAX)
      expect(died).to.be.at.most(MAX + tickInterval)
    })

    it('each further member that suspects it from its own probe shortens it, down to the silent floor', () => {
      const core = judge()
      const suspect = [member('n2', 'suspect', 0)]
      for (const [i, witness] of ['n3', 'n4', 'n5', 'n6'].entries()) {
        core.receive(witness, gossip(suspect, [{ id: 'n2', by: [witness], closed: [] }]), i * 10)
      }
      const died = deathTime(core, 'n2', 50, MAX + 1000)
      expect(died).to.be.at.least(SILENT)
      expect(died).to.be.at.most(SILENT + tickInterval)
    })

    it('witnesses that saw the connection close bring it down to suspectTimeout', () => {
      const core = judge()
      const suspect = [member('n2', 'suspect', 0)]
      for (const [i, witness] of ['n3', 'n4', 'n5', 'n6'].entries()) {
        core.receive(witness, gossip(suspect, [{ id: 'n2', by: [witness], closed: [witness] }]), i * 10)
      }
      const died = deathTime(core, 'n2', 50, MAX + 1000)
      expect(died).to.be.at.least(suspectTimeout)
      expect(died).to.be.at.most(suspectTimeout + tickInterval)
    })

    it('witnesses relayed by others count, but never more than the distinct members that relayed them', () => {
      const core = judge()
      const suspect = [member('n2', 'suspect', 0)]
      const all: Witnesses = { id: 'n2', by: ['n3', 'n4', 'n5', 'n6'], closed: [] }
      core.receive('n7', gossip(suspect, [all]), 0)
      core.receive('n7', gossip(suspect, [all]), 10)
      // two relays: two witnesses count, one confirmation: 6 - (6 - 4) x log 2 / log 4 = 5 s
      core.receive('n8', gossip(suspect, [all]), 20)
      const died = deathTime(core, 'n2', 50, MAX + 1000)
      const expected = MAX - (MAX - SILENT) / 2
      expect(died).to.be.at.least(expected)
      expect(died).to.be.at.most(expected + tickInterval)
    })

    it('a suspicion about an older incarnation, or a refuted one, confirms nothing', () => {
      const core = judge()
      core.receive('n3', gossip([member('n2', 'alive', 1)]), 0)
      // stale: n2 already refuted incarnation 0
      for (const witness of ['n4', 'n5', 'n6', 'n7']) {
        core.receive(witness, gossip([member('n2', 'suspect', 0)], [{ id: 'n2', by: [witness], closed: [witness] }]), 10)
      }
      expect(core.get('n2')).to.include({ status: 'alive', incarnation: 1 })
      expect(deathTime(core, 'n2', 50, MAX + 1000)).to.equal(undefined)
    })

    it('a suspect known only by hearsay is pinged once before it is declared dead, and dies only if silent', () => {
      for (const answers of [true, false]) {
        const core = coreWith(others)
        core.receive('n8', gossip([member('n2', 'suspect', 0)]), 0)
        // n2 answers its round probes, so we never witness its silence ourselves
        let check: SwimMessage | undefined
        let died: number | undefined
        runCore(core, tickInterval, MAX + 4000, (out, now) => {
          for (const o of out.send) {
            if (o.message.type !== 'ping') { continue }
            const late = now >= MAX
            if (late && o.to === 'n2') { check ??= o.message }
            // the check carries our doubt: a live n2 answers with its refutation
            const updates = late && o.to === 'n2' ? [member('n2', 'alive', 1)] : []
            if (!late || o.to !== 'n2' || answers) { core.receive(o.to, { type: 'ack', seq: o.message.seq, updates }, now) }
          }
          died ??= leaves(out) ? now : undefined
        })
        expect(check?.type === 'ping' ? check.updates[0] : undefined, `answers ${answers}`).to.include({ id: 'n2', status: 'suspect' })
        if (answers) {
          expect(died).to.equal(undefined)
          expect(core.get('n2')).to.include({ status: 'alive', incarnation: 1 })
        } else {
          expect(died).to.be.at.least(MAX + probeTimeout)
          expect(died).to.be.at.most(MAX + probeTimeout + 2 * tickInterval)
        }
      }
    })
  })

  describe('local health', () => {
    /** Runs until the core's next round probe goes out; returns its target and seq. */
    function nextPing (core: SwimCore, from: number): { to: string, seq: number, at: number } {
      let found: { to: string, seq: number, at: number } | undefined
      for (let now = from; found == null; now += tickInterval) {
        const ping = core.tick(now).send.find(o => o.message.type === 'ping')
        if (ping != null && ping.message.type === 'ping') { found = { to: ping.to, seq: ping.message.seq, at: now } }
        if (now > from + 20 * probeInterval) { throw new Error('no probe') }
      }
      return found
    }

    it('rises by each helper that did not even nack a failed probe, not when all of them did', () => {
      const core = coreWith(ids(6))
      const first = nextPing(core, 0)
      const asked = runCore(core, first.at + tickInterval, first.at + probeTimeout).send.filter(o => o.message.type === 'ping-req')
      expect(asked).to.have.lengthOf(3)
      expect(asked.every(o => o.message.type === 'ping-req' && o.message.nack === true && o.message.target === first.to)).to.equal(true)
      // every helper says the target is silent for it too: the problem is the target's, not ours
      for (const o of asked) { core.receive(o.to, { type: 'nack', seq: first.seq }, first.at + probeTimeout + 10) }
      const failed = runCore(core, first.at + probeTimeout + tickInterval, first.at + probeInterval)
      expect(failed.events.map(e => [e.type, e.member.id])).to.deep.equal([['suspect', first.to]])
      expect(core.localHealth).to.equal(0)

      // the next probe, started as that one failed, fails too and no helper answers at all: we may be cut off
      expect(failed.send.filter(o => o.message.type === 'ping')).to.have.lengthOf(1)
      runCore(core, first.at + probeInterval + tickInterval, first.at + 2 * probeInterval)
      expect(core.localHealth).to.equal(3)
    })

    it('falls by one per probe answered in time, and stretches the time between probes meanwhile', () => {
      const core = coreWith(ids(6))
      // a refutation is a sign of slowness too
      core.receive('n1', gossip([member('me', 'suspect', 0)]), 0)
      core.receive('n1', gossip([member('me', 'suspect', 1)]), 0)
      expect(core.localHealth).to.equal(2)
      const pings: number[] = []
      const answer = answerPings(core)
      runCore(core, tickInterval, 20_000, (out, now) => {
        if (pingIn(out) != null) { pings.push(now) }
        answer(out, now)
      })
      expect(core.localHealth).to.equal(0)
      // three times the interval at health 2, twice at 1, then the base interval
      const gaps = pings.slice(1, 4).map((t, i) => t - pings[i])
      expect(gaps).to.deep.equal([3 * probeInterval, 2 * probeInterval, probeInterval])
    })

    it('a relay nacks a silent target after 80% of the probe timeout, and still forwards a late ack', () => {
      const core = coreWith(ids(3))
      const out = core.receive('n1', { type: 'ping-req', seq: 77, target: 'n2', nack: true, updates: [] }, 0)
      const ping = out.send.find(o => o.to === 'n2' && o.message.type === 'ping')
      expect(ping).to.not.equal(undefined)
      const nacks = runCore(core, tickInterval, probeTimeout).send.filter(o => o.message.type === 'nack')
      expect(nacks).to.deep.equal([{ to: 'n1', message: { type: 'nack', seq: 77 } }])
      const seq = ping?.message.type === 'ping' ? ping.message.seq : -1
      // an ack from anyone but the target proves nothing
      expect(core.receive('n1', { type: 'ack', seq, updates: [] }, 300).send).to.deep.equal([])
      const late = core.receive('n2', { type: 'ack', seq, updates: [] }, 300)
      expect(late.send.some(o => o.to === 'n1' && o.message.type === 'ack' && o.message.seq === 77)).to.equal(true)
    })
  })

  describe('the buddy system', () => {
    it('a ping to a member we suspect carries that suspicion first, so it can refute at once', () => {
      const core = coreWith(['n1', 'n2'])
      core.receive('n1', gossip([member('n2', 'suspect', 0), member('n1', 'alive', 0)]), 0)
      let ping: SwimMessage | undefined
      runCore(core, tickInterval, 4 * probeInterval, (out) => {
        ping ??= pingIn(out, 'n2')
      })
      expect(ping?.type).to.equal('ping')
      expect(ping?.type === 'ping' ? ping.updates[0] : undefined).to.include({ id: 'n2', status: 'suspect', incarnation: 0 })
    })
  })

  describe('stalls of the node itself', () => {
    it('the run clock stands still through a stall, counts nothing before ticks start, and never runs backwards', () => {
      const clock = new RunClock({ tickInterval: 50, lateAfter: 125, now: 0 })
      // built long before its node starts: no stall
      expect(clock.read(10_000, true)).to.deep.equal({ local: 10_000, stalled: false })
      expect(clock.read(10_050, true)).to.deep.equal({ local: 10_050, stalled: false })
      // a little late: counted in full, not a missed deadline
      expect(clock.read(10_150, true)).to.deep.equal({ local: 10_150, stalled: false })
      // late by more than half a probe timeout: a missed deadline, and only two ticks of it count
      expect(clock.read(13_150, true)).to.deep.equal({ local: 10_250, stalled: true })
      // the wall clock steps back an hour: local time holds, then goes on
      expect(clock.read(13_150 - 3_600_000, false)).to.deep.equal({ local: 10_250, stalled: false })
      expect(clock.read(13_200 - 3_600_000, true)).to.deep.equal({ local: 10_300, stalled: false })
    })

    it('a core whose clock jumps fails no probe and declares no one dead before reading what queued up', () => {
      const core = coreWith(['n1', 'n2'])
      // n2 is suspected by hearsay only: with three members it would be declared dead MAX later
      const expiresAt = 2000 + MAX
      runCore(core, tickInterval, 2000, answerPings(core))
      core.receive('n1', gossip([member('n2', 'suspect', 0)]), 2000)
      runCore(core, 2000 + tickInterval, expiresAt - 2100, answerPings(core))
      // the next ping goes unanswered, and 450 ms later the event loop blocks, just before the ping's deadline
      let pending: { to: string, seq: number, at: number } | undefined
      for (let now = expiresAt - 2100 + tickInterval; pending == null; now += tickInterval) {
        const ping = core.tick(now).send.find(o => o.message.type === 'ping')
        if (ping?.message.type === 'ping') { pending = { to: ping.to, seq: ping.message.seq, at: now } }
      }
      const stalledAt = pending.at + probeInterval - tickInterval
      expect(runCore(core, pending.at + tickInterval, stalledAt).events).to.deep.equal([])
      expect(core.localHealth).to.equal(0)
      // blocked for three suspect timeouts: the wall clock jumps past the ping's deadline and the suspicion's; for
      // the core only two ticks passed, and it holds its verdicts until the messages that queued up are read
      const resumed = stalledAt + 3 * suspectTimeout
      expect(core.tick(resumed).events).to.deep.equal([])
      expect(core.localHealth).to.equal(1)
      // what queued up meanwhile: the answer to our last ping
      core.receive(pending.to, { type: 'ack', seq: pending.seq, updates: [] }, resumed + 1)
      // n2 refuted to others while we were stalled; the news reaches us only 800 ms after we resume, and the
      // second or so its suspicion had left before the stall is still there
      const before = runCore(core, resumed + tickInterval, resumed + 750, answerPings(core))
      const refuted = core.receive('n1', gossip([member('n2', 'alive', 1)]), resumed + 800)
      expect(refuted.events.map(e => [e.type, e.member.id])).to.deep.equal([['alive', 'n2']])
      const after = runCore(core, resumed + 800, resumed + 3000, answerPings(core))
      expect([...before.events, ...after.events].map(e => [e.type, e.member.id])).to.deep.equal([])
      expect(core.get('n2')).to.include({ status: 'alive', incarnation: 1 })
      expect(core.get('n1')).to.include({ status: 'alive' })
    })
  })

  for (const seed of SEEDS) {
    describe(`seed ${seed}`, () => {
      it('a node blocked for 3 s is suspected, then refutes, and no one declares it dead', () => {
        const sim = formCluster(seed, 10)
        const since = sim.now
        sim.pause('n3', 3000)
        expect(sim.runUntil(() => sim.someSee('n3', 'suspect'), 3000), sim.describe()).to.equal(true)
        expect(sim.runUntil(() => agreeOn(sim, 'n3'), 10_000), `no refutation\n${sim.describe()}`).to.equal(true)
        expect(sim.node('n3').core.self().incarnation, sim.tag).to.be.above(0)
        sim.run(15_000)
        expect(eventsOf(sim, 'leave', since), sim.describe()).to.deep.equal([])
      })

      it('a node blocked past the silent floor declares no one dead when it resumes, and refutes the verdict on itself', () => {
        const sim = formCluster(seed, 10)
        const since = sim.now
        // n5 goes silent long enough for n3 to suspect it, then answers again just as n3 stops running
        sim.silenced.add('n5')
        expect(sim.runUntil(() => sim.statusAt('n3', 'n5') === 'suspect', 10_000), sim.describe()).to.equal(true)
        sim.silenced.delete('n5')
        const stall = SILENT + 2000
        sim.pause('n3', stall)
        sim.run(stall + 10_000)
        // n3 read n5's refutation before its own suspicion could run out, though the wall clock passed it
        expect(sim.node('n3').events.filter(e => e.type === 'leave').map(e => e.member.id), sim.describe()).to.deep.equal([])
        expect(eventsOf(sim, 'leave', since).filter(e => !e.includes('>n3@')), sim.describe()).to.deep.equal([])
        // silent past the silent floor, n3 was rightly declared dead by the others; it came back with a higher incarnation
        expect(sim.runUntil(() => agreeOn(sim, 'n3'), 10_000), sim.describe()).to.equal(true)
        expect(sim.node('n3').core.self().incarnation, sim.tag).to.be.above(0)
      })

      it('a member flooding suspicions of a healthy one cannot get it declared dead: it refutes each time', () => {
        const sim = formCluster(seed, 10)
        const since = sim.now
        // n9 claims n2 suspect at the incarnation it last heard of, to every other member, 1,000 times over 11 s,
        // naming witnesses of its own invention
        const witnesses = [{ id: 'n2', by: ['n9', 'x1', 'x2', 'x3'], closed: ['n9', 'x1', 'x2', 'x3'] }]
        for (let sent = 0; sent < 1000; sent += 9) {
          const incarnation = sim.node('n9').core.get('n2')?.incarnation ?? 0
          const send = ids(9).map(to => ({ to, message: gossip([member('n2', 'suspect', incarnation)], witnesses) }))
          sim.emit('n9', { send, events: [], news: [], forgotten: [] })
          sim.run(100)
        }
        sim.run(15_000)
        expect(eventsOf(sim, 'leave', since), sim.describe()).to.deep.equal([])
        expect(sim.node('n2').core.self().incarnation, sim.tag).to.be.above(0)
        expect(sim.runUntil(() => agreeOn(sim, 'n2'), 5000), sim.describe()).to.equal(true)
      })

      it('a silent member is declared dead within max by its only prober, and much sooner when k others confirm', () => {
        const { max, silentMin } = { max: MAX, silentMin: SILENT }
        // only n0 probes n3: one witness
        const lone = formCluster(seed, 10)
        for (const id of ids(10).filter(id => id !== 'n0')) { lone.node(id).core.setNeighbours(ids(10).filter(o => o !== 'n3')) }
        // probes of n3 already under way end first
        lone.run(2 * probeInterval)
        lone.silenced.add('n3')
        expect(lone.runUntil(() => lone.statusAt('n0', 'n3') === 'suspect', 2 * 9 * probeInterval), lone.describe()).to.equal(true)
        const suspected = lone.now
        expect(lone.runUntil(() => lone.someSee('n3', 'dead'), max - 20), lone.describe()).to.equal(false)
        expect(lone.runUntil(() => lone.allSee('n3', 'dead', ['n3']), 2000), lone.describe()).to.equal(true)
        expect(lone.now - suspected, lone.tag).to.be.at.least(max - 20)

        // everyone probes n3: every prober witnesses, and k confirmations bring it to the silent floor
        const all = formCluster(seed, 10)
        all.silenced.add('n3')
        expect(all.runUntil(() => all.someSee('n3', 'suspect'), 10 * probeInterval), all.describe()).to.equal(true)
        const first = all.now
        expect(all.runUntil(() => all.allSee('n3', 'dead', ['n3']), max), all.describe()).to.equal(true)
        expect(all.now - first, all.tag).to.be.below(silentMin + 9 * probeInterval)
      })

      it('ten nodes on a troubled machine for a minute: no false death, and they agree afterwards', () => {
        const sim = formCluster(seed, 10, {}, { step: 10 })
        const since = sim.now
        troubled(sim, seed, 60_000, 1000)
        expect(sim.runUntil(() => sim.converged(), 15_000), sim.describe()).to.equal(true)
        expect(eventsOf(sim, 'leave', since), sim.describe()).to.deep.equal([])
      })
    })
  }

  it('a hundred nodes on a troubled machine for a minute: no false death', function () {
    this.timeout(120_000)
    const sim = formCluster(SEEDS[0], 100, {}, { step: 10 })
    const since = sim.now
    sim.run(60_000)
    // a healthy minute first: not even a suspicion
    expect(eventsOf(sim, 'suspect', since), sim.tag).to.deep.equal([])
    troubled(sim, SEEDS[0], 60_000, 100)
    // suspicions still open when the trouble ends run out meanwhile: no death then either
    expect(sim.runUntil(() => sim.converged(), 30_000), sim.tag).to.equal(true)
    expect(eventsOf(sim, 'leave', since), sim.tag).to.deep.equal([])
  })
})
