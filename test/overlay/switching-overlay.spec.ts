// The overlay that switches shape with the cluster's size, on its own: which cores a node runs for the size it
// counts, how a switch keeps the old core's links until the new one holds some (make-before-break), how the links
// of both cores look as one set to the layer above, and how a newcomer takes the shape the members are in.
import { expect } from 'aegir/chai'
import { seededRandom } from '../../src/membership/swim/random.ts'
import { resolveClientServerConfig, serverView } from '../../src/overlay/client-server/index.ts'
import { resolveHyParViewConfig } from '../../src/overlay/hyparview/index.ts'
import { SwitchingOverlay } from '../../src/overlay/switching/index.ts'
import { LinkUnion } from '../../src/overlay/switching/link-union.ts'
import { TopologyPolicy } from '../../src/overlay/topology-policy.ts'
import type { ServerView } from '../../src/overlay/client-server/index.ts'
import type { SwitchingMessage, SwitchingOutput } from '../../src/overlay/switching/index.ts'

const THRESHOLDS = { partialFrom: 10, fullMeshAtMost: 6, clientServerFrom: 50, partialAtMost: 40, settle: 1000 }
const GRACE = 2000
const members = Array.from({ length: 60 }, (_, i) => `m${i}`)

function overlay (self = 'me', contact = 'm0'): SwitchingOverlay {
  return new SwitchingOverlay({
    self,
    random: seededRandom(7),
    hyparview: resolveHyParViewConfig(),
    clientServer: resolveClientServerConfig(),
    thresholds: THRESHOLDS,
    grace: GRACE,
    contact: () => contact
  })
}

function sent (out: SwitchingOutput, core: SwitchingMessage['core'], type: string): string[] {
  return out.send.filter(o => o.message.core === core && o.message.message.type === type).map(o => o.to)
}

function view (size: number): ServerView {
  return serverView(['me', ...members.slice(0, size - 1)], resolveClientServerConfig())
}

/** A client of `view`: one of its servers answers LINKED. */
function linkFirstServer (node: SwitchingOverlay, out: SwitchingOutput, now: number): { server: string, out: SwitchingOutput } {
  const server = sent(out, 'client-server', 'link')[0]
  expect(server, 'a LINK to a server').to.be.a('string')
  return { server, out: node.receive(server, { core: 'client-server', message: { type: 'linked' } }, now) }
}

describe('switching overlay', () => {
  it('runs HyParView alone for a size that calls for a full mesh or partial views, and joins through a member', () => {
    const node = overlay()
    const out = node.start(20, 0)
    expect(node.shape).to.equal('partial-view')
    expect(node.runs('hyparview')).to.equal(true)
    expect(node.runs('client-server')).to.equal(false)
    expect(sent(out, 'hyparview', 'join')).to.deep.equal(['m0'])
    expect(out.changes.map(c => [c.to, c.joining])).to.deep.equal([['partial-view', true]])
  })

  it('has a newcomer past the client-server threshold link to servers and retire HyParView once the grace passed and a server holds a link', () => {
    const node = overlay()
    node.setView(view(55), 0)
    const started = node.start(55, 0)
    expect(node.shape).to.equal('client-server')
    expect(node.runs('hyparview'), 'HyParView as well, in case the members have not switched yet').to.equal(true)
    expect(sent(started, 'hyparview', 'join')).to.deep.equal(['m0'])
    const { server, out } = linkFirstServer(node, started, 10)
    expect(out.events).to.deep.equal([{ type: 'up', peer: server }])
    node.tick(GRACE - 1)
    expect(node.runs('hyparview'), 'within the grace').to.equal(true)
    node.tick(GRACE)
    expect(node.runs('hyparview')).to.equal(false)
    expect(node.switching).to.equal(false)
    expect(node.active()).to.deep.equal([server])
  })

  it('keeps the old core past the grace while the new one holds no link, and gives up on it at four graces', () => {
    const node = overlay()
    node.setView(view(55), 0)
    node.start(55, 0)
    node.tick(GRACE * 2)
    expect(node.runs('hyparview')).to.equal(true)
    node.tick(GRACE * 4)
    expect(node.runs('hyparview')).to.equal(false)
  })

  it('switches from partial views to client-server only after the size held a settling time, keeping HyParView links meanwhile', () => {
    const node = overlay()
    node.setView(view(55), 0)
    node.start(20, 0)
    // a HyParView neighbour, not among the servers: x3 joined through this node
    expect(node.receive('x3', { core: 'hyparview', message: { type: 'join' } }, 2).events).to.deep.equal([{ type: 'up', peer: 'x3' }])
    // past the joining period, the size grows past the threshold
    expect(node.observe(55, 5000).changes).to.deep.equal([])
    const switched = node.observe(55, 5000 + THRESHOLDS.settle)
    expect(switched.changes.map(c => [c.from, c.to, c.joining])).to.deep.equal([['partial-view', 'client-server', false]])
    expect(node.runs('client-server')).to.equal(true)
    expect(node.runs('hyparview')).to.equal(true)
    expect(node.active(), 'the HyParView link stays through the switch').to.include('x3')
    const { server } = linkFirstServer(node, switched, 6100)
    const retired = node.tick(6000 + GRACE + 100)
    expect(node.runs('hyparview')).to.equal(false)
    expect(sent(retired, 'hyparview', 'disconnect')).to.include('x3')
    expect(retired.events).to.deep.include({ type: 'down', peer: 'x3' })
    expect(node.active()).to.deep.equal([server])
  })

  it('takes the shape the members are in where the size lies between the thresholds, and the size\'s own shape elsewhere', () => {
    const between = overlay()
    between.start(45, 0, 'client-server')
    expect(between.shape).to.equal('client-server')
    const below = overlay()
    below.start(30, 0, 'client-server')
    expect(below.shape, 'the size is at or under partialAtMost').to.equal('partial-view')
    const fresh = overlay()
    fresh.start(45, 0)
    expect(fresh.shape, 'no word of the members: the size alone').to.equal('partial-view')
    expect(fresh.runs('client-server'), 'past partialAtMost the members may be in client-server').to.equal(true)
  })

  it('refuses a message for a core it does not run with that core\'s own unlink, and never answers an unlink', () => {
    const partial = overlay()
    partial.start(20, 0)
    expect(sent(partial.receive('m5', { core: 'client-server', message: { type: 'link' } }, 1), 'client-server', 'unlink')).to.deep.equal(['m5'])
    expect(partial.receive('m5', { core: 'client-server', message: { type: 'unlink' } }, 2).send).to.deep.equal([])
    const client = overlay()
    client.setView(view(55), 0)
    client.start(55, 0)
    client.tick(GRACE * 4)
    expect(client.runs('hyparview')).to.equal(false)
    expect(sent(client.receive('m6', { core: 'hyparview', message: { type: 'join' } }, GRACE * 4), 'hyparview', 'disconnect')).to.deep.equal(['m6'])
    expect(client.isActive('m6')).to.equal(false)
  })

  it('takes client-server when a newcomer that learnt the size after it started finds servers and no member speaking HyParView', () => {
    const node = overlay()
    node.setView(view(55), 0)
    node.start(undefined, 0)
    expect(node.shape).to.equal('full-mesh')
    const learnt = node.observe(45, 10)
    expect(node.shape, 'the size alone calls for partial views').to.equal('partial-view')
    expect(node.runs('client-server'), 'a probe of the members\' shape').to.equal(true)
    node.receive('m0', { core: 'hyparview', message: { type: 'disconnect' } }, 20)
    linkFirstServer(node, learnt, 30)
    expect(node.tick(1000).changes).to.deep.equal([])
    const adopted = node.tick(5010)
    expect(adopted.changes.map(c => [c.from, c.to, c.joining])).to.deep.equal([['partial-view', 'client-server', true]])
    expect(node.shape).to.equal('client-server')
    node.tick(5010 + GRACE)
    expect(node.runs('hyparview'), 'HyParView retired after the grace').to.equal(false)
  })

  it('keeps partial views when a newcomer finds members speaking HyParView, and retires the probe', () => {
    const node = overlay()
    node.setView(view(55), 0)
    node.start(45, 0)
    expect(node.runs('client-server')).to.equal(true)
    node.tick(6000)
    expect(node.shape, 'the contact kept the join: HyParView holds a link').to.equal('partial-view')
    node.tick(GRACE)
    expect(node.runs('client-server')).to.equal(false)
  })

  it('has HyParView ask a random member to link every rejoinAfter while the client-server links remain, after a switch back', () => {
    let drawn = 0
    /** members drawn one at a time: a reach (or a rotation, every 2 min) */
    let single = 0
    const node = new SwitchingOverlay({
      self: 'me',
      random: seededRandom(3),
      hyparview: resolveHyParViewConfig(),
      clientServer: resolveClientServerConfig(),
      thresholds: THRESHOLDS,
      grace: GRACE,
      rejoinAfter: 1000,
      contact: () => 'm0',
      members: (count) => {
        if (count === 1) { single++ }
        return Array.from({ length: count }, () => `r${++drawn}`)
      }
    })
    node.setView(view(55), 0)
    node.start(55, 0)
    node.tick(GRACE * 4)
    expect(node.runs('hyparview')).to.equal(false)
    node.observe(30, 100_000)
    const back = node.observe(30, 100_000 + THRESHOLDS.settle)
    expect(back.changes.map(c => c.to)).to.deep.equal(['partial-view'])
    const asked = (out: SwitchingOutput): string[] => out.send.filter(o => o.message.core === 'hyparview' && o.message.message.type === 'neighbor' && o.message.message.priority === 'high').map(o => o.to)
    const before = single
    const first = node.tick(101_100)
    expect(single - before, 'one member drawn to reach').to.equal(1)
    expect(asked(first), 'a HIGH NEIGHBOR to it').to.include(`r${drawn}`)
    node.tick(101_500)
    expect(single - before, 'not again before rejoinAfter').to.equal(1)
    node.tick(102_200)
    expect(single - before).to.equal(2)
  })

  it('joins HyParView again through another member after a while without a link', () => {
    let contacts = 0
    const node = new SwitchingOverlay({
      self: 'me',
      random: seededRandom(1),
      hyparview: resolveHyParViewConfig(),
      clientServer: resolveClientServerConfig(),
      thresholds: THRESHOLDS,
      rejoinAfter: 5000,
      contact: () => `m${++contacts}`
    })
    node.start(20, 0)
    // the contact never answered: its link fails, and the node has none
    node.linkFailed('m1', 100)
    node.tick(1000)
    node.tick(4999)
    expect(contacts).to.equal(1)
    // five seconds from the start, when it began without a link
    const again = node.tick(5000)
    expect(sent(again, 'hyparview', 'join')).to.deep.equal(['m2'])
  })

  it('leaves both cores, telling every linked peer', () => {
    const node = overlay()
    node.setView(view(55), 0)
    const started = node.start(55, 0)
    const { server } = linkFirstServer(node, started, 10)
    node.receive('m3', { core: 'hyparview', message: { type: 'join' } }, 11)
    const out = node.leave(20)
    expect(sent(out, 'client-server', 'unlink')).to.include(server)
    expect(sent(out, 'hyparview', 'disconnect')).to.include('m3')
    expect(node.activeCount).to.equal(0)
  })
})

describe('link union', () => {
  it('sees a peer linked while either core links it', () => {
    const union = new LinkUnion()
    expect(union.apply('hyparview', { type: 'up', peer: 'a' })).to.deep.equal({ type: 'up', peer: 'a' })
    expect(union.apply('client-server', { type: 'up', peer: 'a' })).to.equal(undefined)
    expect(union.apply('hyparview', { type: 'down', peer: 'a' })).to.equal(undefined)
    expect(union.has('a')).to.equal(true)
    expect(union.apply('client-server', { type: 'down', peer: 'a' })).to.deep.equal({ type: 'down', peer: 'a' })
    expect(union.size).to.equal(0)
  })

  it('drops a stopped core\'s links, announcing only the peers no other core links', () => {
    const union = new LinkUnion()
    union.apply('hyparview', { type: 'up', peer: 'a' })
    union.apply('hyparview', { type: 'up', peer: 'b' })
    union.apply('client-server', { type: 'up', peer: 'b' })
    expect(union.dropCore('hyparview')).to.deep.equal([{ type: 'down', peer: 'a' }])
    expect(union.peers()).to.deep.equal(['b'])
  })
})

describe('topology policy: a newcomer adopting the members\' shape', () => {
  it('adopts only a shape the size it counts allows from that shape, and only while every switch was taken on joining', () => {
    const policy = new TopologyPolicy(THRESHOLDS, 'full-mesh', true)
    expect(policy.adopt('client-server', 30, 0), 'partial views at 30 from client-server').to.equal(undefined)
    expect(policy.observe(45, 0)).to.include({ to: 'partial-view', joining: true })
    expect(policy.adopt('client-server', 45, 10)).to.include({ from: 'partial-view', to: 'client-server', joining: true, epoch: 2 })
    expect(policy.current).to.equal('client-server')
    // past joining, the size falls to partial views' range and holds: a switch the node watched
    policy.observe(30, 60_000)
    expect(policy.observe(30, 60_000 + THRESHOLDS.settle)).to.include({ to: 'partial-view', joining: false })
    expect(policy.adopt('client-server', 45, 70_000), 'after a switch it watched').to.equal(undefined)
  })
})
