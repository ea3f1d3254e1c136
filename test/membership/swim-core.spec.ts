// The SWIM core without sockets: many cores in the seeded simulator, plus the validator and merge rules.
import { expect } from 'aegir/chai'
import { InvalidMessageError } from '../../src/membership/errors.ts'
import { BROWSER_ROLE } from '../../src/membership/reserved-roles.ts'
import { DisseminationQueue } from '../../src/membership/swim/dissemination-queue.ts'
import { supersedes } from '../../src/membership/swim/member-table.ts'
import { MAX_INCARNATION, MESSAGE_LIMITS, validateMessage } from '../../src/membership/swim/messages.ts'
import { seededRandom } from '../../src/membership/swim/random.ts'
import { SwimCore } from '../../src/membership/swim/swim-core.ts'
import { SEEDS, eventsOf, formCluster, ids, member, saw } from './sim-helpers.ts'
import { Simulator, TEST_CONFIG } from './simulator.ts'
import type { Member } from '../../src/membership/index.ts'

/** Every node holds `subject` alive at the incarnation `subject` holds for itself. */
function agreeOn (sim: Simulator, subject: string): boolean {
  const incarnation = sim.node(subject).core.self().incarnation
  return sim.converged() && [...sim.nodes.keys()].every(id => sim.node(id).core.get(subject)?.incarnation === incarnation)
}

describe('membership/swim-core', () => {
  for (const seed of SEEDS) {
    describe(`seed ${seed}`, () => {
      it('converges on the full view with names and roles', () => {
        const sim = formCluster(seed, 10)
        for (const observer of ids(10)) {
          const view = sim.viewOf(observer)
          expect(view, sim.tag).to.have.lengthOf(10)
          const n3 = view.find(m => m.id === 'n3')
          expect(n3, sim.tag).to.include({ name: 'name-n3', status: 'alive' })
          expect(n3?.roles, sim.tag).to.deep.equal(['worker'])
          expect(n3?.addresses, sim.tag).to.deep.equal(['/memory/n3'])
        }
        // each node announced every other one exactly once
        for (const observer of ids(10)) {
          const joins = sim.node(observer).events.filter(e => e.type === 'join').map(e => e.member.id).sort()
          expect(joins, sim.tag).to.deep.equal(ids(10).filter(id => id !== observer).sort())
        }
      })

      it('suspects a silenced node, then everyone declares it dead', () => {
        const sim = formCluster(seed, 8)
        const start = sim.now
        sim.silenced.add('n3')
        // round-robin probing reaches n3 within two rounds of every prober, so every one of them witnesses the
        // silence: a suspicion confirmed that often runs for twice suspectTimeout (n3 may only be stalled)
        const bound = 2 * 7 * sim.config.probeInterval + 2 * sim.config.suspectTimeout
        expect(sim.runUntil(() => sim.allSee('n3', 'dead', ['n3']), bound), `n3 not dead everywhere\n${sim.describe()}`).to.equal(true)
        expect(sim.now - start, sim.tag).to.be.below(bound)
        const suspects = ids(8).filter(id => saw(sim, id, 'suspect', 'n3'))
        expect(suspects, sim.tag).to.not.be.empty()
        for (const id of ids(8).filter(id => id !== 'n3')) {
          const leave = sim.node(id).events.find(e => e.type === 'leave' && e.member.id === 'n3')
          expect(leave?.member.status, `${id} ${sim.tag}`).to.equal('dead')
        }
        // the others still see each other alive
        expect(ids(8).filter(id => id !== 'n3').every(s => sim.allSee(s, 'alive', ['n3'])), sim.describe()).to.equal(true)
      })

      it('a suspected node that is alive refutes with a higher incarnation', () => {
        const sim = formCluster(seed, 6, { suspectTimeout: 3000 })
        sim.silenced.add('n2')
        expect(sim.runUntil(() => sim.someSee('n2', 'suspect'), 2 * 5 * sim.config.probeInterval), sim.describe()).to.equal(true)
        sim.silenced.delete('n2')
        expect(sim.runUntil(() => agreeOn(sim, 'n2'), 3000), `no refutation\n${sim.describe()}`).to.equal(true)
        expect(sim.node('n2').core.self().incarnation, sim.tag).to.be.above(0)
        for (const id of ids(6).filter(id => id !== 'n2')) {
          expect(sim.node(id).events.some(e => e.type === 'leave'), `${id} lost someone\n${sim.describe()}`).to.equal(false)
        }
        expect(ids(6).some(id => saw(sim, id, 'alive', 'n2')), sim.tag).to.equal(true)
      })

      it('a connection loss hint pings the member out of turn, and a live member is not even suspected', () => {
        const sim = formCluster(seed, 5)
        const since = sim.now
        const out = sim.node('n0').core.connectionLost('n1', sim.now)
        // a closed connection alone proves nothing: libp2p closes duplicates after a dial race, and idle ones
        expect(out.send.map(o => [o.to, o.message.type]), sim.tag).to.deep.equal([['n1', 'ping']])
        sim.emit('n0', out)
        expect(sim.statusAt('n0', 'n1'), sim.tag).to.equal('alive')
        sim.run(3000)
        expect(eventsOf(sim, 'suspect', since), sim.describe()).to.deep.equal([])
        expect(sim.node('n1').core.self().incarnation, sim.tag).to.equal(0)
      })

      it('a crashed member whose connections close is suspected within a probe timeout and dead after suspectTimeout', () => {
        const sim = formCluster(seed, 5)
        const start = sim.now
        sim.node('n3').up = false
        for (const id of ['n0', 'n1', 'n2', 'n4']) { sim.emit(id, sim.node(id).core.connectionLost('n3', sim.now)) }
        const { probeTimeout, suspectTimeout } = sim.config
        expect(sim.runUntil(() => sim.allSee('n3', 'suspect'), probeTimeout + 20), sim.describe()).to.equal(true)
        // every member witnessed the close and the silence after it: the shortest suspicion, suspectTimeout
        expect(sim.runUntil(() => sim.someSee('n3', 'dead'), start + probeTimeout + suspectTimeout - 20 - sim.now), sim.tag).to.equal(false)
        expect(sim.runUntil(() => sim.allSee('n3', 'dead'), 100), sim.describe()).to.equal(true)
        expect(sim.now - start, sim.tag).to.be.at.most(probeTimeout + suspectTimeout + 100)
      })

      it('a closed connection whose member cannot be reached for a while is suspected, and the member refutes', () => {
        const sim = formCluster(seed, 5)
        const since = sim.now
        // the connection closed and the re-dial is slow: the check ping gets no answer in time
        sim.link = (from, to) => !(from === 'n0' && to === 'n1') && !(from === 'n1' && to === 'n0')
        sim.emit('n0', sim.node('n0').core.connectionLost('n1', sim.now))
        expect(sim.runUntil(() => sim.statusAt('n0', 'n1') === 'suspect', 400), sim.describe()).to.equal(true)
        sim.run(1000)
        sim.link = () => true
        // one witness alone: the suspicion lasts six times suspectTimeout, and n1 refutes long before
        expect(sim.runUntil(() => agreeOn(sim, 'n1'), 3000), `no refutation\n${sim.describe()}`).to.equal(true)
        expect(sim.node('n1').core.self().incarnation, sim.tag).to.be.above(0)
        expect(eventsOf(sim, 'leave', since), sim.describe()).to.deep.equal([])
      })

      it('a graceful leave is seen by all as left, and stays left', () => {
        const sim = formCluster(seed, 6)
        sim.leave('n4')
        sim.run(10)
        sim.node('n4').up = false
        expect(sim.runUntil(() => sim.allSee('n4', 'left'), 1000), `leave not seen\n${sim.describe()}`).to.equal(true)
        sim.run(5000)
        expect(sim.allSee('n4', 'left'), sim.describe()).to.equal(true)
        for (const id of ids(6).filter(id => id !== 'n4')) {
          const leaves = sim.node(id).events.filter(e => e.type === 'leave')
          expect(leaves.map(e => [e.member.id, e.member.status]), sim.tag).to.deep.equal([['n4', 'left']])
        }
      })

      it('spreads news around a ring where each node talks to two neighbours', () => {
        const n = 12
        const sim = new Simulator({ seed, config: { syncInterval: 0 } })
        const ring = ids(n)
        const neighbours = (i: number): string[] => [ring[(i + n - 1) % n], ring[(i + 1) % n]]
        const isNeighbour = (a: string, b: string): boolean => neighbours(ring.indexOf(a)).includes(b)
        sim.link = isNeighbour
        ring.forEach((id, i) => { sim.addNode(id).core.setNeighbours(neighbours(i)) })
        // each node only ever syncs with its successor, while both know nothing: the rest must come by gossip
        ring.forEach((id, i) => { sim.join(id, ring[(i + 1) % n]) })
        expect(sim.runUntil(() => sim.converged(), 10_000), `ring did not converge\n${sim.describe()}`).to.equal(true)
        let offRing = 0
        sim.link = (from, to) => {
          if (!isNeighbour(from, to)) { offRing++ }
          return isNeighbour(from, to)
        }

        sim.leave('n5')
        sim.run(10)
        sim.node('n5').up = false
        expect(sim.runUntil(() => sim.allSee('n5', 'left'), 5000), `leave did not go round\n${sim.describe()}`).to.equal(true)

        // only n8 and n10 can probe n9, and with n5 gone and n9 silent the ring is cut in two: each side hears of
        // one witness only, so the suspicion runs to its longest, 6 x min (13 s with 12 members)
        sim.silenced.add('n9')
        expect(sim.runUntil(() => sim.allSee('n9', 'dead', ['n5', 'n9']), 20_000), `death did not go round\n${sim.describe()}`).to.equal(true)
        expect(offRing, `cores addressed non-neighbours, ${sim.tag}`).to.equal(0)
      })

      it('finds a silent member whose neighbours all left by probing a stranger now and then', () => {
        const n = 12
        const ring = ids(n)
        const neighbours = (i: number): string[] => [ring[(i + n - 1) % n], ring[(i + 1) % n]]
        const run = (strangerProbeEvery: number): boolean => {
          const sim = new Simulator({ seed, config: { syncInterval: 0, strangerProbeEvery } })
          ring.forEach((id, i) => { sim.addNode(id).core.setNeighbours(neighbours(i)) })
          ring.forEach((id, i) => { sim.join(id, ring[(i + 1) % n]) })
          expect(sim.runUntil(() => sim.converged(), 10_000), `ring did not converge\n${sim.describe()}`).to.equal(true)
          // n9's only watchers leave, and n9 goes silent: none of the rest has it as a neighbour
          for (const id of ['n8', 'n10']) { sim.leave(id) }
          sim.run(10)
          for (const id of ['n8', 'n10']) { sim.node(id).up = false }
          sim.silenced.add('n9')
          return sim.runUntil(() => sim.allSee('n9', 'dead', ['n8', 'n9', 'n10']), 30_000)
        }
        expect(run(0), 'without strangers nobody probes it').to.equal(false)
        expect(run(5), 'a stranger probe finds it').to.equal(true)
      })
    })
  }

  describe('browser tabs', () => {
    /** n Node members and tabs `tab-<i>` that joined through n0, converged. */
    function withTabs (seed: number, n: number, tabs: number): Simulator {
      const sim = formCluster(seed, n)
      for (let i = 0; i < tabs; i++) {
        sim.addNode(`tab-${i}`, [BROWSER_ROLE])
        sim.join(`tab-${i}`, 'n0')
      }
      expect(sim.runUntil(() => sim.converged(), 5000), sim.describe()).to.equal(true)
      return sim
    }

    for (const seed of SEEDS) {
      it(`holds a silent tab suspect for its whole lease, then declares it dead (seed ${seed})`, () => {
        const sim = withTabs(seed, 5, 1)
        const start = sim.now
        // a tab closed without a word: its connections close, which for a Node member is dead a second later
        sim.node('tab-0').up = false
        for (const id of ids(5)) { sim.emit(id, sim.node(id).core.connectionLost('tab-0', sim.now)) }
        const { browserLease, probeTimeout } = sim.config
        expect(sim.runUntil(() => sim.allSee('tab-0', 'suspect', ['tab-0']), probeTimeout + 20), sim.describe()).to.equal(true)
        expect(sim.runUntil(() => sim.someSee('tab-0', 'dead'), start + browserLease - 20 - sim.now), sim.describe()).to.equal(false)
        expect(sim.runUntil(() => sim.allSee('tab-0', 'dead', ['tab-0']), probeTimeout + 1000), sim.describe()).to.equal(true)
      })

      it(`keeps a tab frozen for less than its lease, which refutes when it runs again (seed ${seed})`, () => {
        const sim = withTabs(seed, 5, 1)
        const since = sim.now
        // a frozen tab runs nothing, timers included, and its connections stay open
        sim.node('tab-0').up = false
        // several times what a Node member that only went silent is given
        sim.run(sim.config.browserLease - 2000)
        expect(ids(5).some(id => sim.statusAt(id, 'tab-0') === 'suspect'), sim.describe()).to.equal(true)
        sim.node('tab-0').up = true
        expect(sim.runUntil(() => agreeOn(sim, 'tab-0'), 5000), sim.describe()).to.equal(true)
        expect(eventsOf(sim, 'leave', since), sim.describe()).to.deep.equal([])
      })
    }

    it('never pings, gossips to or syncs with another tab: the Node members watch them both', () => {
      const sim = withTabs(SEEDS[0], 3, 2)
      const sent: string[] = []
      const tab = sim.node('tab-0')
      for (let t = sim.now; t < sim.now + 40 * sim.config.probeInterval; t += sim.config.tickInterval) {
        for (const { to, message } of tab.core.tick(t).send) { sent.push(`${message.type}>${to}`) }
      }
      expect(sent.filter(entry => entry.endsWith('>tab-1'))).to.deep.equal([])
      expect(sent.some(entry => entry.startsWith('ping>n'))).to.equal(true)
    })

    it('hands out a member whose new record names other addresses, for libp2p to dial it there', () => {
      const core = new SwimCore({ self: { id: 'me', name: 'me', roles: [], addresses: [] }, config: TEST_CONFIG, random: seededRandom(4), now: 0 })
      const tab = { ...member('tab', 'alive', 0), roles: [BROWSER_ROLE] }
      core.receive('b', { type: 'sync', members: [member('b', 'alive', 0), tab] }, 0)
      // the tab reserved a slot on a relay: its next incarnation names the address behind it
      const relayed = { ...tab, incarnation: 1, addresses: ['/ip4/127.0.0.1/tcp/4001/p2p/b/p2p-circuit'] }
      expect(core.receive('tab', { type: 'gossip', updates: [relayed] }, 10).moved?.map(m => m.addresses)).to.deep.equal([relayed.addresses])
      // the same addresses again, or a record that only refutes, move nothing
      expect(core.receive('tab', { type: 'gossip', updates: [{ ...relayed, incarnation: 2 }] }, 20).moved).to.equal(undefined)
    })

    it('in partial views, never probes a tab outside its neighbours, since that probe would have to dial it', () => {
      const config = { ...TEST_CONFIG, strangerProbeEvery: 2, syncInterval: 0, gossipInterval: 0 }
      const a = new SwimCore({ self: { id: 'a', name: 'a', roles: [], addresses: [] }, config, random: seededRandom(11), now: 0 })
      const tab = { ...member('tab', 'alive', 0), roles: [BROWSER_ROLE] }
      a.receive('b', { type: 'sync', members: [member('b', 'alive', 0), member('c', 'alive', 0), tab] }, 0)
      a.setNeighbours(['b'])
      const probed = new Set<string>()
      for (let t = 0; t <= 30 * config.probeInterval; t += config.tickInterval) {
        for (const { to, message } of a.tick(t).send) {
          if (message.type === 'ping') {
            probed.add(to)
            a.receive(to, { type: 'ack', seq: message.seq, updates: [] }, t)
          }
        }
      }
      // the neighbour, and the Node member outside them now and then: never the tab
      expect([...probed].sort()).to.deep.equal(['b', 'c'])
    })
  })

  describe('neighbours', () => {
    it('exchanges whole views with a member that just became a neighbour, once per probe interval', () => {
      const core = (id: string): SwimCore => new SwimCore({ self: { id, name: id, roles: [], addresses: [] }, config: TEST_CONFIG, random: seededRandom(3), now: 0 })
      const a = core('a')
      const b = core('b')
      // b knows five members a has never heard of
      b.receive('c1', { type: 'sync', members: ids(5).map(id => member(id, 'alive', 0)) }, 0)
      a.setNeighbours(['b'])
      const hello = a.meet('b', 10).send
      expect(hello.map(o => [o.to, o.message.type])).to.deep.equal([['b', 'sync']])
      const answer = b.receive('a', hello[0].message, 20).send.find(o => o.to === 'a' && o.message.type === 'sync-ack')
      expect(answer).to.not.equal(undefined)
      if (answer == null) { return }
      a.receive('b', answer.message, 30)
      expect(a.members().map(m => m.id).sort()).to.include.members(ids(5))
      // the other end of the new link meeting us too costs no second exchange
      expect(a.meet('b', 40).send).to.deep.equal([])
      expect(a.meet('b', 40 + TEST_CONFIG.probeInterval).send).to.have.lengthOf(1)
    })

    it('never asks a browser member to probe for it: a tab reaches only the members it dialled', () => {
      const config = { ...TEST_CONFIG, syncInterval: 0, gossipInterval: 0 }
      const a = new SwimCore({ self: { id: 'a', name: 'a', roles: [], addresses: [] }, config, random: seededRandom(7), now: 0 })
      const tab = { ...member('tab', 'alive', 0), roles: [BROWSER_ROLE] }
      a.receive('b', { type: 'sync', members: [member('b', 'alive', 0), member('d', 'alive', 0), tab, member('silent', 'alive', 0)] }, 0)
      const helpers = new Set<string>()
      for (let t = 0; t <= 20 * config.probeInterval; t += config.tickInterval) {
        for (const { to, message } of a.tick(t).send) {
          // everyone answers but `silent`, whose probes go to helpers
          if (message.type === 'ping' && to !== 'silent') { a.receive(to, { type: 'ack', seq: message.seq, updates: [] }, t) }
          if (message.type === 'ping-req') { helpers.add(to) }
        }
      }
      expect([...helpers].sort()).to.deep.equal(['b', 'd'])
    })

    it('gives a stranger a whole probe interval to answer, and its helpers another: both may have to dial it first', () => {
      const config = { ...TEST_CONFIG, strangerProbeEvery: 1, syncInterval: 0, gossipInterval: 0 }
      const a = new SwimCore({ self: { id: 'a', name: 'a', roles: [], addresses: [] }, config, random: seededRandom(5), now: 0 })
      a.receive('b', { type: 'sync', members: [member('b', 'alive', 0), member('c', 'alive', 0), member('d', 'alive', 0)] }, 0)
      a.setNeighbours(['b', 'd'])
      // every probe goes to a stranger: c is the only one
      let pingAt = -1
      let seq = 0
      const sent: string[] = []
      for (let t = 0; t <= 3 * config.probeInterval; t += config.tickInterval) {
        for (const { to, message } of a.tick(t).send) {
          sent.push(`${to}:${message.type}`)
          if (message.type === 'ping' && to === 'c' && pingAt < 0) {
            pingAt = t
            seq = message.seq
          }
        }
        if (pingAt >= 0 && t >= pingAt + config.probeTimeout + 2 * config.tickInterval) { break }
      }
      expect(pingAt, sent.join(' ')).to.be.at.least(0)
      // past a probe timeout, nobody was asked to help yet
      expect(sent.filter(s => s.endsWith('ping-req'))).to.deep.equal([])
      const late = a.receive('c', { type: 'ack', seq, updates: [] }, pingAt + config.probeInterval - config.tickInterval)
      expect(late.events.filter(e => e.type === 'suspect')).to.deep.equal([])
      expect(a.get('c')?.status).to.equal('alive')
    })

    it('gives a neighbour whose link closed a probe interval to answer, since the ping waits for a dial', () => {
      const config = { ...TEST_CONFIG, syncInterval: 0, gossipInterval: 0 }
      const a = new SwimCore({ self: { id: 'a', name: 'a', roles: [], addresses: [] }, config, random: seededRandom(5), now: 0 })
      a.receive('b', { type: 'sync', members: [member('b', 'alive', 0), member('c', 'alive', 0)] }, 0)
      a.setNeighbours(['b', 'c'])
      const ping = a.connectionLost('b', 0).send.find(o => o.to === 'b' && o.message.type === 'ping')
      expect(ping).to.not.equal(undefined)
      const seq = ping?.message.type === 'ping' ? ping.message.seq : -1
      for (let t = config.tickInterval; t < config.probeInterval; t += config.tickInterval) {
        expect(a.tick(t).events.filter(e => e.type === 'suspect'), `suspected at ${t} ms`).to.deep.equal([])
      }
      a.receive('b', { type: 'ack', seq, updates: [] }, config.probeInterval - 1)
      expect(a.tick(config.probeInterval).events).to.deep.equal([])
      expect(a.get('b')?.status).to.equal('alive')
      // a link that closes again and stays silent is suspected once the interval is over
      const lostAt = config.probeInterval + config.tickInterval
      a.connectionLost('b', lostAt)
      const suspectedAt: number[] = []
      for (let t = lostAt + config.tickInterval; t <= lostAt + 2 * config.probeInterval; t += config.tickInterval) {
        if (a.tick(t).events.some(e => e.type === 'suspect' && e.member.id === 'b')) { suspectedAt.push(t) }
      }
      expect(suspectedAt).to.have.lengthOf(1)
      expect(suspectedAt[0] - lostAt).to.be.at.least(config.probeInterval)
    })
  })

  describe('merge rules', () => {
    it('orders records by incarnation, then status', () => {
      expect(supersedes(member('a', 'suspect', 0), member('a', 'alive', 0))).to.equal(true)
      expect(supersedes(member('a', 'alive', 0), member('a', 'suspect', 0))).to.equal(false)
      expect(supersedes(member('a', 'alive', 1), member('a', 'suspect', 0))).to.equal(true)
      expect(supersedes(member('a', 'dead', 0), member('a', 'suspect', 0))).to.equal(true)
      expect(supersedes(member('a', 'alive', 0), member('a', 'dead', 0))).to.equal(false)
      expect(supersedes(member('a', 'alive', 9), member('a', 'left', 0))).to.equal(false)
    })

    it('keeps a tombstone so stale gossip cannot revive a member that left, then forgets it; takes in no stranger\'s tombstone', () => {
      const config = { ...TEST_CONFIG, tombstoneTimeout: 1000 }
      const core = new SwimCore({ self: { id: 'me', name: 'me', roles: [], addresses: [] }, config, random: seededRandom(1), now: 0 })
      core.receive('b', { type: 'gossip', updates: [member('b', 'alive', 0)] }, 0)
      // the death of a member never known here is not taken in: nothing would ever forget it
      core.receive('c', { type: 'gossip', updates: [member('x', 'dead', 0), member('y', 'left', 0)] }, 5)
      expect(core.get('x')).to.equal(undefined)
      expect(core.get('y')).to.equal(undefined)
      // b leaves, in its own words; stale gossip of it alive, even at a higher incarnation, does not bring it back
      const left = core.receive('b', { type: 'gossip', updates: [member('b', 'left', 0)] }, 10)
      expect(left.events.map(e => e.type)).to.deep.equal(['leave'])
      core.receive('c', { type: 'gossip', updates: [member('b', 'alive', 0), member('b', 'alive', 1)] }, 20)
      expect(core.get('b')?.status).to.equal('left')
      // ticks as the adapter drives them: one call a second later would be a stall of this node, not time passing
      for (let now = 40; now <= 40 + 1000; now += config.tickInterval) { core.tick(now) }
      expect(core.get('b')).to.equal(undefined)
    })

    it('takes another member\'s word that a member is dead as a suspicion of its own, with that member as witness', () => {
      const config = { ...TEST_CONFIG, syncInterval: 0, gossipInterval: 0 }
      const core = new SwimCore({ self: { id: 'me', name: 'me', roles: [], addresses: [] }, config, random: seededRandom(3), now: 0 })
      core.receive('b', { type: 'gossip', updates: [member('b', 'alive', 0)] }, 0)
      core.receive('c', { type: 'gossip', updates: [member('c', 'alive', 0)] }, 0)
      // one member says b is dead: b is suspect here, not dead, and nothing says it left
      const heard = core.receive('c', { type: 'gossip', updates: [member('b', 'dead', 0)] }, 10)
      expect(heard.events.map(e => `${e.type}:${e.member.id}`)).to.deep.equal(['suspect:b'])
      expect(core.get('b')?.status).to.equal('suspect')
      // b refutes with a higher incarnation: alive again, never declared dead
      const refuted = core.receive('b', { type: 'gossip', updates: [member('b', 'alive', 1)] }, 20)
      expect(refuted.events.map(e => `${e.type}:${e.member.id}`)).to.deep.equal(['alive:b'])
      // the same member says so again, at b's new incarnation, and b stays silent: our own timer and our own ping
      // decide, and b dies here only once they ran out
      core.receive('c', { type: 'gossip', updates: [member('b', 'dead', 1)] }, 30)
      const events: string[] = []
      let diedAt = 0
      for (let now = 30; now <= 30 + 30 * config.suspectTimeout && diedAt === 0; now += config.tickInterval) {
        const out = core.tick(now)
        for (const e of out.events) { if (e.member.id === 'b') { events.push(`${e.type}:${e.member.status}`) } }
        if (out.events.some(e => e.type === 'leave' && e.member.id === 'b')) { diedAt = now }
      }
      expect(events).to.deep.equal(['leave:dead'])
      expect(diedAt - 30, 'a lone accuser\'s suspicion runs its longest').to.be.at.least(config.suspectTimeout * 4)
    })

    it('hands out as first-hand news what a member says of itself, its own verdicts and its own record, not hearsay', () => {
      const config = { ...TEST_CONFIG, syncInterval: 0, gossipInterval: 0 }
      const core = new SwimCore({ self: { id: 'me', name: 'me', roles: [], addresses: [] }, config, random: seededRandom(2), now: 0 })
      const newsOf = (out: { news: Array<{ updates: Member[] }> }): string[] => out.news.map(n => n.updates.map(u => `${u.id}:${u.status}:${u.incarnation}`).join(','))
      // a newcomer's first sync: its own record is its word; the members it names are hearsay
      expect(newsOf(core.receive('n', { type: 'sync', members: [member('n', 'alive', 0), member('x', 'alive', 2)] }, 0))).to.deep.equal(['n:alive:0'])
      // gossip about others is hearsay; a leave announced by the member that leaves is its word
      expect(newsOf(core.receive('n', { type: 'gossip', updates: [member('y', 'alive', 0)] }, 10))).to.deep.equal([])
      expect(newsOf(core.receive('x', { type: 'gossip', updates: [member('x', 'left', 3)] }, 20))).to.deep.equal(['x:left:3'])
      // a doubt about us is answered by a refutation, which is our own record
      expect(newsOf(core.receive('n', { type: 'gossip', updates: [member('me', 'suspect', 0)] }, 30))).to.deep.equal(['me:alive:1'])
      // our own verdict names us as its witness
      let verdict: Array<{ updates: Member[], witnesses?: Array<{ id: string, by: string[] }> }> = []
      for (let now = 40; now <= 40 + 20 * config.probeInterval && verdict.length === 0; now += config.tickInterval) {
        verdict = core.tick(now).news.filter(n => n.updates.some(u => u.status === 'suspect'))
      }
      expect(verdict.map(n => n.updates[0].id)).to.have.lengthOf(1)
      expect(verdict[0].witnesses?.[0].by).to.deep.equal(['me'])
    })

    it('answers doubt about itself with a higher incarnation', () => {
      const core = new SwimCore({ self: { id: 'me', name: 'me', roles: [], addresses: [] }, config: TEST_CONFIG, random: seededRandom(1), now: 0 })
      const out = core.receive('b', { type: 'ping', seq: 4, updates: [member('b', 'alive', 0), member('me', 'suspect', 3)] }, 0)
      expect(core.self()).to.include({ status: 'alive', incarnation: 4 })
      const ack = out.send.find(o => o.to === 'b' && o.message.type === 'ack')
      expect(ack?.message).to.have.property('seq', 4)
      expect((ack?.message as { updates: Member[] }).updates.some(u => u.id === 'me' && u.incarnation === 4)).to.equal(true)
    })

    it('sends each update a bounded number of times', () => {
      const queue = new DisseminationQueue()
      queue.enqueue(member('a', 'alive', 0))
      queue.enqueue(member('b', 'alive', 0))
      expect(queue.take(1, 2).map(m => m.id)).to.deep.equal(['a'])
      expect(queue.take(1, 2).map(m => m.id)).to.deep.equal(['b'])
      expect(queue.take(5, 2).map(m => m.id)).to.deep.equal(['a', 'b'])
      expect(queue.size).to.equal(0)
    })
  })

  describe('message validation', () => {
    const good = { type: 'ping', seq: 1, updates: [member('a', 'alive', 0)] }

    it('accepts a well-formed message and drops unknown fields', () => {
      const message = validateMessage({ ...good, extra: 'x', updates: [{ ...member('a', 'alive', 0), evil: true }] })
      expect(message).to.deep.equal(good)
    })

    it('accepts the largest sane values, a nack, witnesses and a ping-req asking for a nack', () => {
      const top = member('a', 'suspect', MAX_INCARNATION)
      expect(validateMessage({ type: 'ack', seq: 2 ** 32 - 1, updates: [top] })).to.deep.equal({ type: 'ack', seq: 2 ** 32 - 1, updates: [top] })
      expect(validateMessage({ type: 'nack', seq: 9, updates: [] })).to.deep.equal({ type: 'nack', seq: 9 })
      const witnesses = [{ id: 'a', by: ['b', 'c'], closed: ['c'] }]
      expect(validateMessage({ type: 'gossip', updates: [top], witnesses })).to.deep.equal({ type: 'gossip', updates: [top], witnesses })
      expect(validateMessage({ type: 'ping-req', seq: 1, target: 'a', nack: true, updates: [] }))
        .to.deep.equal({ type: 'ping-req', seq: 1, target: 'a', nack: true, updates: [] })
      // anything but true is no request for a nack
      expect(validateMessage({ type: 'ping-req', seq: 1, target: 'a', nack: 1, updates: [] })).to.not.have.property('nack')
    })

    const bad: Array<[string, unknown, string]> = [
      ['a string', 'ping', 'message'],
      ['null', null, 'message'],
      ['an unknown type', { ...good, type: 'pong' }, 'type'],
      ['a negative seq', { ...good, seq: -1 }, 'seq'],
      ['a fractional seq', { ...good, seq: 1.5 }, 'seq'],
      ['no updates', { type: 'ack', seq: 1 }, 'updates'],
      ['a bad status', { ...good, updates: [{ ...member('a', 'alive', 0), status: 'zombie' }] }, 'updates[0].status'],
      ['a string incarnation', { ...good, updates: [{ ...member('a', 'alive', 0), incarnation: '1' }] }, 'updates[0].incarnation'],
      ['an empty id', { ...good, updates: [member('', 'alive', 0)] }, 'updates[0].id'],
      ['a huge id', { ...good, updates: [member('x'.repeat(300), 'alive', 0)] }, 'updates[0].id'],
      ['roles not strings', { ...good, updates: [{ ...member('a', 'alive', 0), roles: [1] }] }, 'updates[0].roles[0]'],
      ['a ping-req without target', { type: 'ping-req', seq: 1, updates: [] }, 'target'],
      ['sync members not a list', { type: 'sync', members: {} }, 'members'],
      ['binary instead of a map', new Uint8Array([1, 2]), 'message'],
      // absurd claims: a member raises its incarnation by one per refutation, so 2^32 cannot be honest
      ['an incarnation above 2^32 - 1', { ...good, updates: [member('a', 'suspect', MAX_INCARNATION + 1)] }, 'updates[0].incarnation'],
      ['an unsafe incarnation', { ...good, updates: [member('a', 'alive', 2 ** 60)] }, 'updates[0].incarnation'],
      ['a seq above 2^32 - 1', { ...good, seq: 2 ** 32 }, 'seq'],
      ['a nack seq above 2^32 - 1', { type: 'nack', seq: Number.MAX_SAFE_INTEGER }, 'seq'],
      ['a nack without seq', { type: 'nack' }, 'seq'],
      ['more members than a frame can hold', { type: 'sync', members: Array.from({ length: MESSAGE_LIMITS.members + 1 }, () => member('a', 'alive', 0)) }, 'members'],
      ['more updates than allowed', { ...good, updates: Array.from({ length: MESSAGE_LIMITS.updates + 1 }, () => member('a', 'alive', 0)) }, 'updates'],
      ['witnesses of a member with no suspect record', { ...good, witnesses: [{ id: 'a', by: ['b'], closed: [] }] }, 'witnesses[0].id'],
      ['too many witnesses', { ...good, updates: [member('a', 'suspect', 0)], witnesses: [{ id: 'a', by: ids(65), closed: [] }] }, 'witnesses[0].by'],
      ['witnesses not strings', { ...good, updates: [member('a', 'suspect', 0)], witnesses: [{ id: 'a', by: [7], closed: [] }] }, 'witnesses[0].by[0]']
    ]
    for (const [what, value, field] of bad) {
      it(`rejects ${what}`, () => {
        let error: unknown
        try { validateMessage(value) } catch (err) { error = err }
        expect(error).to.be.instanceOf(InvalidMessageError)
        expect(error).to.have.property('name', 'InvalidMessageError')
        expect(error).to.have.property('field', field)
      })
    }
  })
})
