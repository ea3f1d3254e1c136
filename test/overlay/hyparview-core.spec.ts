// The HyParView core one message at a time, its config and its message validator.
import { expect } from 'aegir/chai'
import { seededRandom } from '../../src/membership/swim/random.ts'
import {
  DEFAULT_HYPARVIEW_CONFIG,
  HYPARVIEW_LIMITS,
  HyParViewCore,
  InvalidHyParViewConfigError,
  resolveHyParViewConfig,
  validateHyParViewMessage,
  viewSizesFor
} from '../../src/overlay/hyparview/index.ts'
import { MalformedFrameError } from '../../src/wire/errors.ts'
import type { HyParViewConfig, HyParViewMessage, OverlayOutput } from '../../src/overlay/hyparview/index.ts'

const CONFIG: HyParViewConfig = { ...DEFAULT_HYPARVIEW_CONFIG, activeViewSize: 4, passiveViewSize: 8 }

/** A core named `me` at time 0 holding exactly these views, and the output of building them discarded. */
function coreWith (active: string[], passive: string[] = [], config = CONFIG): HyParViewCore {
  const core = new HyParViewCore({ self: 'me', config, random: seededRandom(1), now: 0 })
  for (const peer of active) { core.receive(peer, { type: 'neighbor', priority: 'high' }, 0) }
  core.receive('feeder', { type: 'shuffle-reply', peers: passive }, 0)
  expect(core.active()).to.have.members(active)
  expect(core.passive()).to.have.members(passive)
  return core
}

function sent (out: OverlayOutput, type: HyParViewMessage['type']): Array<{ to: string, message: HyParViewMessage }> {
  return out.send.filter(({ message }) => message.type === type)
}

describe('overlay/hyparview core', () => {
  describe('joining', () => {
    it('a newcomer links to its contact and sends it JOIN', () => {
      const core = coreWith([])
      const out = core.join('contact', 0)
      expect(out.events).to.deep.equal([{ type: 'up', peer: 'contact' }])
      expect(out.send).to.deep.equal([{ to: 'contact', message: { type: 'join' } }])
      expect(core.join('me', 0)).to.deep.equal({ send: [], events: [] })
    })

    it('a full contact evicts one peer with DISCONNECT and walks FORWARD_JOIN from the others', () => {
      const core = coreWith(['a', 'b', 'c', 'd'])
      const out = core.receive('x', { type: 'join' }, 0)
      const [disconnect, ...others] = out.send
      expect(disconnect.message).to.deep.equal({ type: 'disconnect' })
      const evicted = disconnect.to
      expect(out.events).to.deep.equal([{ type: 'down', peer: evicted }, { type: 'up', peer: 'x' }])
      expect(core.passive()).to.include(evicted)
      expect(core.active()).to.include('x').and.not.include(evicted)
      expect(others.map(o => o.to)).to.have.members(['a', 'b', 'c', 'd'].filter(p => p !== evicted))
      for (const { message } of others) { expect(message).to.deep.equal({ type: 'forward-join', peer: 'x', ttl: 6 }) }
    })

    it('FORWARD_JOIN at ttl 0 links to the newcomer and tells it with NEIGHBOR(high)', () => {
      const core = coreWith(['a', 'b', 'c'])
      const out = core.receive('a', { type: 'forward-join', peer: 'x', ttl: 0 }, 0)
      expect(core.isActive('x')).to.equal(true)
      expect(out.events).to.deep.equal([{ type: 'up', peer: 'x' }])
      expect(out.send).to.deep.equal([{ to: 'x', message: { type: 'neighbor', priority: 'high' } }])
    })

    it('FORWARD_JOIN ends where the sender is the only active peer, whatever its ttl', () => {
      const core = coreWith(['a'])
      core.receive('a', { type: 'forward-join', peer: 'x', ttl: 5 }, 0)
      expect(core.active()).to.have.members(['a', 'x'])
    })

    it('FORWARD_JOIN at the passive walk length keeps the newcomer as passive and walks on', () => {
      const core = coreWith(['a', 'b', 'c'])
      const out = core.receive('a', { type: 'forward-join', peer: 'x', ttl: CONFIG.passiveRandomWalkLength }, 0)
      expect(core.passive()).to.include('x')
      expect(out.send).to.have.lengthOf(1)
      expect(['b', 'c']).to.include(out.send[0].to)
      expect(out.send[0].message).to.deep.equal({ type: 'forward-join', peer: 'x', ttl: CONFIG.passiveRandomWalkLength - 1 })
    })

    it('FORWARD_JOIN elsewhere on the walk only passes it on, never back to the sender', () => {
      for (let i = 0; i < 20; i++) {
        const core = coreWith(['a', 'b', 'c'])
        const out = core.receive('a', { type: 'forward-join', peer: 'x', ttl: 5 }, 0)
        expect(core.passive()).to.not.include('x')
        expect(out.send).to.have.lengthOf(1)
        expect(out.send[0].to).to.not.equal('a')
      }
    })
  })

  describe('NEIGHBOR', () => {
    it('LOW is accepted into a free slot and rejected by a full view', () => {
      const core = coreWith(['a', 'b', 'c'], ['p', 'q'])
      expect(core.receive('p', { type: 'neighbor', priority: 'low' }, 0).send)
        .to.deep.equal([{ to: 'p', message: { type: 'neighbor-reply', accepted: true } }])
      expect(core.passive()).to.not.include('p')
      const out = core.receive('q', { type: 'neighbor', priority: 'low' }, 0)
      expect(out.send).to.deep.equal([{ to: 'q', message: { type: 'neighbor-reply', accepted: false } }])
      expect(out.events).to.deep.equal([])
      expect(core.passive()).to.include('q')
    })

    it('HIGH is accepted by a full view, which evicts one peer to its passive view', () => {
      const core = coreWith(['a', 'b', 'c', 'd'])
      const out = core.receive('x', { type: 'neighbor', priority: 'high' }, 0)
      expect(sent(out, 'neighbor-reply')).to.deep.equal([{ to: 'x', message: { type: 'neighbor-reply', accepted: true } }])
      const [disconnect] = sent(out, 'disconnect')
      expect(core.passive()).to.deep.equal([disconnect.to])
      expect(core.active()).to.have.lengthOf(4).and.include('x')
    })

    it('an accepted reply after the request timed out is undone with DISCONNECT', () => {
      const core = coreWith(['a', 'b', 'c', 'd'], ['p'])
      core.linkFailed('a', 0)
      core.tick(CONFIG.neighborTimeout)
      const out = core.receive('p', { type: 'neighbor-reply', accepted: true }, CONFIG.neighborTimeout + 10)
      expect(out.send).to.deep.equal([{ to: 'p', message: { type: 'disconnect' } }])
      expect(core.isActive('p')).to.equal(false)
      expect(core.passive()).to.include('p')
    })
  })

  describe('repair', () => {
    it('a failed link is dropped for good, and a passive peer is asked with LOW', () => {
      const core = coreWith(['a', 'b', 'c'], ['p'])
      const out = core.linkFailed('a', 0)
      expect(out.events).to.deep.equal([{ type: 'down', peer: 'a' }])
      expect(core.passive()).to.not.include('a')
      expect(out.send).to.deep.equal([{ to: 'p', message: { type: 'neighbor', priority: 'low' } }])
      core.receive('p', { type: 'neighbor-reply', accepted: true }, 10)
      expect(core.active()).to.have.members(['b', 'c', 'p'])
    })

    it('a node left with one link asks with HIGH: two nodes linked only to each other are cut off too', () => {
      const core = coreWith(['a', 'b'], ['p'])
      const out = core.linkFailed('a', 0)
      expect(out.send).to.deep.equal([{ to: 'p', message: { type: 'neighbor', priority: 'high' } }])
    })

    it('a node left with no link asks with HIGH, one request per free slot', () => {
      const core = coreWith(['a'], ['p', 'q', 'r', 's', 't'])
      const out = core.linkFailed('a', 0)
      const asked = sent(out, 'neighbor')
      expect(asked).to.have.lengthOf(CONFIG.activeViewSize)
      expect(new Set(asked.map(a => a.to)).size).to.equal(CONFIG.activeViewSize)
      for (const { message } of asked) { expect(message).to.deep.equal({ type: 'neighbor', priority: 'high' }) }
    })

    it('a rejection moves on to the next passive peer at the next promotion, and the rejecter stays passive', () => {
      const core = coreWith(['a', 'b', 'c', 'd'], ['p', 'q'])
      const first = sent(core.linkFailed('a', 0), 'neighbor')[0].to
      const out = core.receive(first, { type: 'neighbor-reply', accepted: false }, 10)
      // with links left, asking the whole passive view in turn would cost a connection per ask
      expect(sent(out, 'neighbor')).to.deep.equal([])
      // the next promotion comes within promoteInterval, while the rejecter still rests
      const next = sent(core.tick(CONFIG.promoteInterval), 'neighbor').map(a => a.to)
      expect(next).to.deep.equal(['p', 'q'].filter(p => p !== first))
      expect(core.passive()).to.have.members(['p', 'q'])
    })

    it('a request unanswered for neighborTimeout counts as rejected, but the peer stays passive', () => {
      const core = coreWith(['a', 'b', 'c', 'd'], ['p', 'q'])
      const first = sent(core.linkFailed('a', 0), 'neighbor')[0].to
      expect(sent(core.tick(CONFIG.neighborTimeout - 1), 'neighbor')).to.deep.equal([])
      // with links left, the next peer waits for the next promotion, as after a rejection
      expect(sent(core.tick(CONFIG.neighborTimeout), 'neighbor')).to.deep.equal([])
      const next: string[] = []
      // every ms until the first peer's rest ends: the promotion's phase is random
      for (let now = CONFIG.neighborTimeout + 1; now < CONFIG.neighborTimeout + CONFIG.promoteInterval; now++) {
        next.push(...sent(core.tick(now), 'neighbor').map(a => a.to))
      }
      expect(next).to.deep.equal(['p', 'q'].filter(p => p !== first))
      expect(core.passive()).to.have.members(['p', 'q'])
    })

    it('an isolated node whose request timed out asks the next peer at once', () => {
      const core = coreWith(['a'], ['p'])
      const first = sent(core.linkFailed('a', 0), 'neighbor').map(a => a.to)
      expect(first).to.deep.equal(['p'])
      core.suggest(['q'])
      expect(sent(core.tick(CONFIG.neighborTimeout), 'neighbor').map(a => a.to)).to.deep.equal(['q'])
    })

    it('promotions that keep finding a free slot back off, and a lost link brings the plain period back', () => {
      const passive = Array.from({ length: CONFIG.passiveViewSize }, (_, i) => `p${i}`)
      const core = coreWith(['a', 'b', 'c'], passive)
      const asksAt: number[] = []
      let linked = ['a', 'b', 'c']
      for (let now = 0; now <= 40 * CONFIG.promoteInterval; now += CONFIG.neighborTimeout) {
        for (const { to } of sent(core.tick(now), 'neighbor')) {
          asksAt.push(now)
          core.receive(to, { type: 'neighbor-reply', accepted: false }, now + 1)
        }
        linked = core.active()
      }
      const gaps = asksAt.slice(1).map((at, i) => at - asksAt[i])
      expect(linked).to.have.members(['a', 'b', 'c'])
      // after four plain ones, the gaps double up to eight promote intervals, then stay there
      expect(gaps.slice(0, 3)).to.deep.equal([CONFIG.promoteInterval, CONFIG.promoteInterval, CONFIG.promoteInterval])
      expect(Math.max(...gaps)).to.equal(8 * CONFIG.promoteInterval)
      expect(gaps.slice(-2)).to.deep.equal([8 * CONFIG.promoteInterval, 8 * CONFIG.promoteInterval])
      const at = 41 * CONFIG.promoteInterval
      const repairs = sent(core.linkFailed('a', at), 'neighbor')
      expect(repairs).to.have.lengthOf(2)
      for (const { to } of repairs) { core.receive(to, { type: 'neighbor-reply', accepted: false }, at + 1) }
      expect(sent(core.tick(at + CONFIG.promoteInterval), 'neighbor')).to.have.lengthOf(2)
    })

    it('a failed dial for a request drops that peer from the passive view', () => {
      const core = coreWith(['a', 'b', 'c', 'd'], ['p', 'q'])
      const first = sent(core.linkFailed('a', 0), 'neighbor')[0].to
      core.linkFailed(first, 5)
      expect(core.passive()).to.deep.equal(['p', 'q'].filter(p => p !== first))
    })

    it('a link closing to a passive peer we did not ask leaves it passive', () => {
      const core = coreWith(['a'], ['p'])
      expect(core.linkFailed('p', 0)).to.deep.equal({ send: [], events: [] })
      expect(core.passive()).to.deep.equal(['p'])
    })

    it('promotion fills free slots every promoteInterval', () => {
      const core = coreWith(['a', 'b', 'c'], ['p'])
      const asked = [0, 1, 2].flatMap(i => sent(core.tick(i * CONFIG.promoteInterval), 'neighbor'))
      expect(asked).to.deep.equal([{ to: 'p', message: { type: 'neighbor', priority: 'low' } }])
    })

    it('a promotion that finds a slot free adds membersPerPromotion members known from elsewhere, and may ask them', () => {
      const asked: number[] = []
      const known = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6']
      let next = 0
      const members = (count: number): string[] => {
        asked.push(count)
        return Array.from({ length: count }, () => known[next++ % known.length])
      }
      const config = { ...CONFIG, membersPerPromotion: 2, rotateInterval: 0 }
      const core = new HyParViewCore({ self: 'me', config, random: seededRandom(1), now: 0, members })
      for (const peer of ['a', 'b', 'c', 'd']) { core.receive(peer, { type: 'neighbor', priority: 'high' }, 0) }
      // a full view takes none
      for (let now = 0; now <= 3 * config.promoteInterval; now += config.neighborTimeout) { core.tick(now) }
      expect(asked).to.deep.equal([])
      // with a slot free, the next promotion adds two, and asks a passive peer: here only they are
      core.receive('d', { type: 'disconnect', leaving: true }, 4 * config.promoteInterval)
      const ask = sent(core.tick(5 * config.promoteInterval), 'neighbor').map(a => a.to)
      expect(asked).to.deep.equal([2])
      expect(core.passive()).to.have.members(['m1', 'm2'])
      expect(['m1', 'm2']).to.include(ask[0])

      const none = new HyParViewCore({ self: 'me', config: { ...config, membersPerPromotion: 0 }, random: seededRandom(1), now: 0, members })
      asked.length = 0
      for (let now = 0; now <= 3 * config.promoteInterval; now += config.neighborTimeout) { none.tick(now) }
      expect(asked).to.deep.equal([])
      expect(none.passive()).to.deep.equal([])
    })

    it('DISCONNECT moves the peer to passive and asks another one', () => {
      const core = coreWith(['a', 'b'], ['p'])
      const out = core.receive('a', { type: 'disconnect' }, 0)
      expect(out.events).to.deep.equal([{ type: 'down', peer: 'a' }])
      expect(core.passive()).to.have.members(['a', 'p'])
      expect(sent(out, 'neighbor').map(a => a.to)).to.deep.equal(['p'])
    })
  })

  describe('links in use', () => {
    it('a full view makes room by evicting a link that carries no traffic, and at random only if all do', () => {
      const busy = new Set(['a', 'b', 'd'])
      const core = new HyParViewCore({ self: 'me', config: CONFIG, random: seededRandom(1), now: 0, inUse: (peer) => busy.has(peer) })
      for (const peer of ['a', 'b', 'c', 'd']) { core.receive(peer, { type: 'neighbor', priority: 'high' }, 0) }
      const out = core.receive('z', { type: 'neighbor', priority: 'high' }, 1)
      expect(sent(out, 'disconnect').map(o => o.to)).to.deep.equal(['c'])
      busy.add('z')
      const next = core.receive('y', { type: 'neighbor', priority: 'high' }, 2)
      expect(sent(next, 'disconnect')).to.have.lengthOf(1)
      expect(core.active()).to.include('y')
    })

    it('a rotation asks a member known from elsewhere, when there is one', () => {
      const core = new HyParViewCore({ self: 'me', config: CONFIG, random: seededRandom(1), now: 0, members: () => ['far'] })
      for (const peer of ['a', 'b', 'c', 'd']) { core.receive(peer, { type: 'neighbor', priority: 'high' }, 0) }
      core.receive('feeder', { type: 'shuffle-reply', peers: ['p'] }, 0)
      expect(sent(core.tick(CONFIG.rotateInterval + 1), 'neighbor')).to.deep.equal([{ to: 'far', message: { type: 'neighbor', priority: 'high' } }])
    })

    it('a view whose every link is in use skips its rotation', () => {
      const rotating = (inUse: (peer: string) => boolean): number => {
        const core = new HyParViewCore({ self: 'me', config: CONFIG, random: seededRandom(1), now: 0, inUse })
        for (const peer of ['a', 'b', 'c', 'd']) { core.receive(peer, { type: 'neighbor', priority: 'high' }, 0) }
        core.receive('feeder', { type: 'shuffle-reply', peers: ['p'] }, 0)
        return sent(core.tick(CONFIG.rotateInterval + 1), 'neighbor').length
      }
      expect(rotating(() => true)).to.equal(0)
      expect(rotating(peer => peer !== 'b')).to.equal(1)
    })
  })

  describe('rotation', () => {
    it('a full view asks a passive peer with HIGH priority every rotateInterval, and takes it in place of a random link', () => {
      const core = coreWith(['a', 'b', 'c', 'd'], ['p'])
      const now = CONFIG.rotateInterval + 1
      expect(sent(core.tick(now), 'neighbor')).to.deep.equal([{ to: 'p', message: { type: 'neighbor', priority: 'high' } }])
      const out = core.receive('p', { type: 'neighbor-reply', accepted: true }, now + 10)
      expect(core.isActive('p')).to.equal(true)
      expect(core.active()).to.have.length(4)
      const [disconnect] = sent(out, 'disconnect')
      expect(sent(out, 'disconnect')).to.have.length(1)
      expect(core.passive()).to.include(disconnect.to)
      expect(out.events).to.deep.equal([{ type: 'down', peer: disconnect.to }, { type: 'up', peer: 'p' }])
      // the next rotation waits a whole interval
      expect(sent(core.tick(now + 20), 'neighbor')).to.deep.equal([])
    })

    it('keeps its links when the rotation is turned down, and never rotates with a free slot or when off', () => {
      const core = coreWith(['a', 'b', 'c', 'd'], ['p'])
      const now = CONFIG.rotateInterval + 1
      core.tick(now)
      core.receive('p', { type: 'neighbor-reply', accepted: false }, now + 10)
      expect(core.active()).to.have.members(['a', 'b', 'c', 'd'])
      const withSlot = coreWith(['a', 'b', 'c'], ['p'], { ...CONFIG, promoteInterval: 10 * CONFIG.rotateInterval })
      withSlot.tick(0)
      expect(sent(withSlot.tick(now), 'neighbor').filter(({ message }) => message.type === 'neighbor' && message.priority === 'high')).to.deep.equal([])
      const off = coreWith(['a', 'b', 'c', 'd'], ['p'], { ...CONFIG, rotateInterval: 0 })
      expect(sent(off.tick(10 * CONFIG.rotateInterval), 'neighbor')).to.deep.equal([])
    })
  })

  describe('shuffle', () => {
    it('starts a walk every shuffleInterval naming itself, ka active and kp passive peers', () => {
      const core = coreWith(['a', 'b', 'c', 'd'], ['p', 'q', 'r', 's', 't', 'u'])
      const shuffles = [0, 1, 2].flatMap(i => sent(core.tick(i * CONFIG.shuffleInterval + 1), 'shuffle'))
      expect(shuffles.length).to.be.within(2, 3)
      for (const { to, message } of shuffles) {
        if (message.type !== 'shuffle') { throw new Error('not a shuffle') }
        expect(message.origin).to.equal('me')
        expect(message.ttl).to.equal(CONFIG.shuffleTtl)
        expect(message.peers[0]).to.equal('me')
        const active = message.peers.filter(p => ['a', 'b', 'c', 'd'].includes(p))
        expect(active).to.have.lengthOf(CONFIG.shuffleActiveCount).and.not.include(to)
        expect(message.peers).to.have.lengthOf(1 + CONFIG.shuffleActiveCount + CONFIG.shufflePassiveCount)
      }
    })

    it('passes the walk on while it has hops left, never to the sender or the origin', () => {
      for (let i = 0; i < 20; i++) {
        const core = coreWith(['a', 'b', 'o'], ['p'])
        const out = core.receive('a', { type: 'shuffle', origin: 'o', peers: ['o', 'x'], ttl: 3 }, 0)
        expect(out.send).to.deep.equal([{ to: 'b', message: { type: 'shuffle', origin: 'o', peers: ['o', 'x'], ttl: 2, path: ['me'] } }])
      }
    })

    it('where the walk ends, answers the origin with as many passive ids and merges what came', () => {
      const core = coreWith(['a'], ['p', 'q', 'r', 's', 't', 'u', 'v', 'w'])
      const out = core.receive('a', { type: 'shuffle', origin: 'o', peers: ['o', 'a', 'me', 'x'], ttl: 3 }, 0)
      expect(out.send).to.have.lengthOf(1)
      const [{ to, message }] = out.send
      expect(to).to.equal('o')
      if (message.type !== 'shuffle-reply') { throw new Error('not a shuffle reply') }
      expect(message.peers).to.have.lengthOf(4)
      const passive = core.passive()
      // never self, never an active peer; what was sent back is evicted first to make room
      expect(passive).to.include.members(['o', 'x']).and.not.include('me').and.not.include('a')
      expect(passive).to.have.lengthOf(CONFIG.passiveViewSize)
      expect(passive.filter(p => message.peers.includes(p))).to.have.lengthOf(2)
    })

    it('answers back along the walk\'s hops when not linked to the origin, and straight to it when linked', () => {
      const core = coreWith(['b'], ['p', 'q', 'r', 's'])
      const back = core.receive('b', { type: 'shuffle', origin: 'o', peers: ['o', 'x'], ttl: 0, path: ['a', 'b'] }, 0)
      expect(back.send.map(({ to, message }) => [to, message.type, message.type === 'shuffle-reply' ? message.route : null]))
        .to.deep.equal([['b', 'shuffle-reply', ['a', 'o']]])
      const linked = coreWith(['b', 'o'], ['p', 'q', 'r', 's'])
      const direct = linked.receive('b', { type: 'shuffle', origin: 'o', peers: ['o', 'x'], ttl: 0, path: ['a', 'b'] }, 0)
      expect(direct.send.map(({ to, message }) => [to, message.type, message.type === 'shuffle-reply' ? message.route : null]))
        .to.deep.equal([['o', 'shuffle-reply', undefined]])
    })

    it('passes an answer on to its next hop while linked to it, without keeping its ids, and drops it otherwise', () => {
      const core = coreWith(['a', 'b'], ['p'])
      const relayed = core.receive('b', { type: 'shuffle-reply', peers: ['x', 'y'], route: ['a', 'o'] }, 0)
      expect(relayed.send).to.deep.equal([{ to: 'a', message: { type: 'shuffle-reply', peers: ['x', 'y'], route: ['o'] } }])
      const last = core.receive('b', { type: 'shuffle-reply', peers: ['x', 'y'], route: ['a'] }, 0)
      expect(last.send).to.deep.equal([{ to: 'a', message: { type: 'shuffle-reply', peers: ['x', 'y'] } }])
      // the link to the next hop broke meanwhile: no dial for it
      expect(core.receive('b', { type: 'shuffle-reply', peers: ['x'], route: ['z', 'o'] }, 0).send).to.deep.equal([])
      expect(core.passive()).to.deep.equal(['p'])
    })

    it('a reply is merged, evicting first the ids its shuffle sent', () => {
      const core = coreWith(['a', 'b', 'c', 'd'], ['p', 'q', 'r', 's', 't', 'u', 'v', 'w'])
      const [shuffle] = sent(core.tick(CONFIG.shuffleInterval), 'shuffle')
      if (shuffle.message.type !== 'shuffle') { throw new Error('not a shuffle') }
      const sentPassive = shuffle.message.peers.filter(p => core.passive().includes(p))
      core.receive(shuffle.to, { type: 'shuffle-reply', peers: ['x1', 'x2', 'x3', 'me'] }, CONFIG.shuffleInterval + 10)
      expect(core.passive()).to.include.members(['x1', 'x2', 'x3']).and.not.include('me')
      expect(core.passive().filter(p => sentPassive.includes(p))).to.have.lengthOf(sentPassive.length - 3)
    })
  })

  describe('a node never holds itself', () => {
    it('ignores its own id in every message that names peers, and messages from itself', () => {
      const core = coreWith(['a', 'b'])
      core.receive('a', { type: 'forward-join', peer: 'me', ttl: 0 }, 0)
      core.receive('a', { type: 'shuffle-reply', peers: ['me'] }, 0)
      core.receive('a', { type: 'shuffle', origin: 'me', peers: ['me'], ttl: 0 }, 0)
      core.receive('a', { type: 'shuffle', origin: 'z', peers: ['me', 'z'], ttl: 0 }, 0)
      expect(core.receive('me', { type: 'join' }, 0)).to.deep.equal({ send: [], events: [] })
      expect(core.active()).to.not.include('me')
      expect(core.passive()).to.not.include('me')
    })
  })

  describe('leaving', () => {
    it('tells every active peer, then does nothing more', () => {
      const core = coreWith(['a', 'b'], ['p'])
      const out = core.leave(0)
      expect(out.send).to.have.deep.members([
        { to: 'a', message: { type: 'disconnect', leaving: true } },
        { to: 'b', message: { type: 'disconnect', leaving: true } }
      ])
      expect(out.events).to.have.deep.members([{ type: 'down', peer: 'a' }, { type: 'down', peer: 'b' }])
      expect(core.hasLeft).to.equal(true)
      expect(core.active()).to.deep.equal([])
      expect(core.receive('x', { type: 'join' }, 1)).to.deep.equal({ send: [], events: [] })
      expect(core.tick(CONFIG.shuffleInterval * 2)).to.deep.equal({ send: [], events: [] })
    })

    it('a peer that leaves is forgotten, not kept as passive', () => {
      const core = coreWith(['a', 'b'], ['p'])
      core.receive('a', { type: 'disconnect', leaving: true }, 0)
      expect(core.active()).to.deep.equal(['b'])
      expect(core.passive()).to.deep.equal(['p'])
    })
  })
})

describe('overlay/hyparview config', () => {
  it('sizes the active view log10(n) + 1 within 4 to 6, with 30 passive', () => {
    const sizes = [1, 10, 200, 1000, 5000, 10_000, 100_000, 10_000_000].map(n => viewSizesFor(n).activeViewSize)
    expect(sizes).to.deep.equal([4, 4, 4, 4, 5, 5, 6, 6])
    expect(viewSizesFor(10_000).passiveViewSize).to.equal(30)
  })

  it('defaults to the paper, with a link rotation every two minutes', () => {
    expect(resolveHyParViewConfig()).to.deep.equal({
      activeViewSize: 5,
      passiveViewSize: 30,
      activeRandomWalkLength: 6,
      passiveRandomWalkLength: 3,
      shuffleTtl: 6,
      shuffleActiveCount: 3,
      shufflePassiveCount: 4,
      shuffleInterval: 10_000,
      promoteInterval: 5_000,
      neighborTimeout: 1_000,
      rotateInterval: 120_000,
      membersPerPromotion: 2
    })
  })

  it('names every field that cannot work', () => {
    const resolve = (): HyParViewConfig => resolveHyParViewConfig({ activeViewSize: 0, shuffleTtl: 17, passiveRandomWalkLength: 7, neighborTimeout: -1, membersPerPromotion: 1.5 })
    expect(resolve).to.throw(InvalidHyParViewConfigError)
    try { resolve() } catch (err: any) {
      expect(err.fields).to.have.members(['activeViewSize', 'shuffleTtl', 'passiveRandomWalkLength', 'neighborTimeout', 'membersPerPromotion'])
    }
  })
})

describe('overlay/hyparview messages', () => {
  it('returns clean copies of valid messages, without unknown fields', () => {
    const valid: HyParViewMessage[] = [
      { type: 'join' },
      { type: 'forward-join', peer: 'x', ttl: 6 },
      { type: 'neighbor', priority: 'high' },
      { type: 'neighbor', priority: 'low' },
      { type: 'neighbor-reply', accepted: false },
      { type: 'disconnect' },
      { type: 'disconnect', leaving: true },
      { type: 'shuffle', origin: 'o', peers: ['o', 'p'], ttl: 0 },
      { type: 'shuffle', origin: 'o', peers: ['o', 'p'], ttl: 2, path: ['a', 'b'] },
      { type: 'shuffle-reply', peers: [] },
      { type: 'shuffle-reply', peers: ['p'], route: ['a', 'o'] }
    ]
    for (const message of valid) {
      expect(validateHyParViewMessage({ ...message, extra: 'dropped' })).to.deep.equal(message)
    }
  })

  const long = 'x'.repeat(HYPARVIEW_LIMITS.idLength + 1)
  const cases: Array<[string, unknown, string]> = [
    ['not a map', [], 'message is not a map'],
    ['null', null, 'message is not a map'],
    ['unknown type', { type: 'gossip' }, 'type is not a known message type'],
    ['ttl too large', { type: 'forward-join', peer: 'x', ttl: HYPARVIEW_LIMITS.ttl + 1 }, 'ttl is above 16'],
    ['negative ttl', { type: 'shuffle', origin: 'o', peers: [], ttl: -1 }, 'ttl is not a non-negative integer'],
    ['fractional ttl', { type: 'forward-join', peer: 'x', ttl: 1.5 }, 'ttl is not a non-negative integer'],
    ['empty peer', { type: 'forward-join', peer: '', ttl: 1 }, 'peer is empty'],
    ['peer not a string', { type: 'forward-join', peer: 7, ttl: 1 }, 'peer is not a string'],
    ['peer too long', { type: 'forward-join', peer: long, ttl: 1 }, 'peer is longer than 128 characters'],
    ['missing origin', { type: 'shuffle', peers: [], ttl: 1 }, 'origin is not a string'],
    ['too many peers', { type: 'shuffle-reply', peers: Array.from({ length: HYPARVIEW_LIMITS.peers + 1 }, (_, i) => `p${i}`) }, 'peers has more than 64 entries'],
    ['peers not a list', { type: 'shuffle-reply', peers: 'p' }, 'peers is not a list'],
    ['bad id in peers', { type: 'shuffle', origin: 'o', peers: ['o', ''], ttl: 1 }, 'peers[1] is empty'],
    ['bad priority', { type: 'neighbor', priority: 'urgent' }, 'priority is not high or low'],
    ['bad accepted', { type: 'neighbor-reply', accepted: 'yes' }, 'accepted is not a boolean'],
    ['bad leaving', { type: 'disconnect', leaving: 1 }, 'leaving is not true'],
    ['path not a list', { type: 'shuffle', origin: 'o', peers: [], ttl: 1, path: 'a' }, 'path is not a list'],
    ['path longer than a walk', { type: 'shuffle', origin: 'o', peers: [], ttl: 1, path: Array.from({ length: HYPARVIEW_LIMITS.ttl + 2 }, (_, i) => `h${i}`) }, 'path has more than 17 entries'],
    ['bad hop in route', { type: 'shuffle-reply', peers: [], route: ['a', 7] }, 'route[1] is not a string']
  ]
  for (const [name, value, problem] of cases) {
    it(`rejects ${name}`, () => {
      expect(() => validateHyParViewMessage(value)).to.throw(MalformedFrameError, problem)
    })
  }
})
