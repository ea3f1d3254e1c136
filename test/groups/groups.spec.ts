// Process groups across real nodes: memberships replicated everywhere, fan-out, multicall outcomes, and what
// happens to the members of stopped actors, dead nodes and the two sides of a partition.
import { expect } from 'aegir/chai'
import { ActorNotFoundError } from '../../src/actors/errors.ts'
import { InvalidGroupNameError, NotLocalActorError } from '../../src/groups/errors.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { Actor, ActorContext, ActorRef } from '../../src/actors/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { GroupMember } from '../../src/groups/index.ts'

/** Keeps what it receives in the list it was given; answers calls with its own id and the message. */
class Recorder implements Actor {
  private readonly inbox: unknown[]

  constructor (inbox: unknown[] = []) {
    this.inbox = inbox
  }

  receive (message: unknown, context: ActorContext): string {
    this.inbox.push(message)
    return `${context.self.id}:${String(message)}`
  }
}

class Slow implements Actor {
  private readonly delay: number

  constructor (delay: number) {
    this.delay = delay
  }

  async receive (): Promise<string> {
    await new Promise(resolve => setTimeout(resolve, this.delay))
    return 'late'
  }
}

class Failing implements Actor {
  receive (): never {
    throw new RangeError('no answer for you')
  }
}

function key (ref: ActorRef): string {
  return `${ref.node}/${ref.id}`
}

function sorted (refs: ActorRef[]): string[] {
  return refs.map(key).sort()
}

/** true when every node sees exactly `expected` as the group's members */
function everywhere (nodes: FoundationNode[], group: string, expected: ActorRef[]): boolean {
  const want = sorted(expected).join(',')
  return nodes.every(n => sorted(n.groups.members(group)).join(',') === want)
}

describe('process groups', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()

  afterEach(async () => { await nodes.stopAll() })

  async function cluster (count = 3): Promise<FoundationNode[]> {
    const all = await nodes.startMany(count, { clusterName: uniqueCluster() })
    await formed(all)
    return all
  }

  it('shows members joined on two nodes on every node, own node first, with events', async () => {
    const [a, b, c] = await cluster()
    const joinedAtC: GroupMember[] = []
    c.groups.addEventListener('group:join', (evt) => { joinedAtC.push(evt.detail) })

    const a1 = await a.spawn(Recorder, { name: 'a1' })
    const a2 = await a.spawn(Recorder)
    const b1 = await b.spawn(Recorder)
    await a.groups.join('workers', 'a1')
    await a.groups.join('workers', a2)
    await a.groups.join('workers', a2)
    await b.groups.join('workers', b1)
    await b.groups.join('other', b1)

    await eventually(() => everywhere([a, b, c], 'workers', [a1, a2, b1]), 'every node sees the three workers')
    expect(b.groups.members('workers').map(key)).to.deep.equal([key(b1), ...[a1, a2].map(key)])
    expect(a.groups.localMembers('workers').map(key)).to.deep.equal([a1, a2].map(key))
    expect(c.groups.localMembers('workers')).to.deep.equal([])
    await eventually(() => c.groups.which().join() === 'other,workers', 'c knows both groups')
    expect(joinedAtC.map(m => `${m.group} ${key(m.ref)}`).sort()).to.deep.equal([
      `other ${key(b1)}`, ...[a1, a2, b1].map(r => `workers ${key(r)}`)
    ].sort())

    await a.groups.leave('workers', a1)
    await eventually(() => everywhere([a, b, c], 'workers', [a2, b1]), 'a1 left everywhere')
  })

  it('refuses actors of other nodes, unknown actors and bad group names', async () => {
    const [a, b] = await cluster(2)
    const b1 = await b.spawn(Recorder)
    await expect(a.groups.join('g', b1)).to.eventually.be.rejectedWith(NotLocalActorError)
    await expect(a.groups.leave('g', b1)).to.eventually.be.rejectedWith(NotLocalActorError)
    await expect(a.groups.join('g', 'nobody')).to.eventually.be.rejectedWith(ActorNotFoundError)
    await expect(a.groups.join('g', { node: a.id, id: 'zzz' })).to.eventually.be.rejectedWith(ActorNotFoundError)
    const a1 = await a.spawn(Recorder)
    await expect(a.groups.join('', a1)).to.eventually.be.rejectedWith(InvalidGroupNameError)
    await expect(a.groups.join('x'.repeat(257), a1)).to.eventually.be.rejectedWith(InvalidGroupNameError)
    expect(() => a.groups.members('')).to.throw(InvalidGroupNameError)
    await a.groups.join('x'.repeat(256), a1)
    expect(a.groups.which()).to.deep.equal(['x'.repeat(256)])
  })

  it('broadcasts to every member on every node', async () => {
    const [a, b, c] = await cluster()
    const inboxes: unknown[][] = [[], [], [], []]
    const refs = [
      await a.spawn(Recorder, { args: [inboxes[0]] }),
      await b.spawn(Recorder, { args: [inboxes[1]] }),
      await b.spawn(Recorder, { args: [inboxes[2]] }),
      await c.spawn(Recorder, { args: [inboxes[3]] })
    ]
    await a.groups.join('room', refs[0])
    await b.groups.join('room', refs[1])
    await b.groups.join('room', refs[2])
    await c.groups.join('room', refs[3])
    await eventually(() => everywhere([a, b, c], 'room', refs), 'the room is known everywhere')

    expect(c.groups.broadcast('room', 'hello')).to.equal(4)
    expect(c.groups.broadcast('empty', 'nobody')).to.equal(0)
    await eventually(() => inboxes.every(inbox => inbox.length === 1), 'every member got the broadcast')
    expect(inboxes.flat()).to.deep.equal(['hello', 'hello', 'hello', 'hello'])
  })

  it('gathers a multicall: answers, a timeout, a failure and a dead node, none failing the others', async () => {
    const [a, b, c] = await cluster()
    const timeout = 2000
    const answering = [await a.spawn(Recorder), await b.spawn(Recorder)]
    const slow = await b.spawn(Slow, { args: [timeout + 1000] })
    const failing = await a.spawn(Failing)
    const doomed = await c.spawn(Recorder)
    for (const [node, ref] of [[a, answering[0]], [b, answering[1]], [b, slow], [a, failing], [c, doomed]] as const) {
      await node.groups.join('svc', ref)
    }
    await eventually(() => everywhere([a, b, c], 'svc', [...answering, slow, failing, doomed]), 'svc is known everywhere')

    // c goes away without a word: its member is still listed while the others have not noticed
    await c.host.stop()
    const results = await a.groups.multicall<string>('svc', 'ping', { timeout })

    // a's own members first, in join order, then each other node's by node id
    const others = [{ id: b.id, refs: [answering[1], slow] }, { id: c.id, refs: [doomed] }].sort((x, y) => x.id < y.id ? -1 : 1)
    expect(results.map(r => key(r.ref))).to.deep.equal([answering[0], failing, ...others.flatMap(o => o.refs)].map(key))
    const byRef = new Map(results.map(r => [key(r.ref), r]))
    for (const ref of answering) {
      expect(byRef.get(key(ref))).to.deep.include({ ok: true, value: `${ref.id}:ping` })
    }
    const outcome = (ref: ActorRef): Error => {
      const result = byRef.get(key(ref))
      if (result == null || result.ok) { throw new Error(`expected ${key(ref)} to fail, got ${JSON.stringify(result)}`) }
      return result.error
    }
    expect(outcome(slow).name).to.equal('CallTimeoutError')
    expect(outcome(failing).name).to.equal('ActorHandlerError')
    expect(outcome(failing).message).to.equal('no answer for you')
    expect(outcome(doomed).name).to.equal('NodeDownError')
  })

  it('rejects a multicall whose signal aborts', async () => {
    const [a] = await cluster(1)
    await a.groups.join('svc', await a.spawn(Slow, { args: [5000] }))
    const controller = new AbortController()
    const pending = a.groups.multicall('svc', 'ping', { signal: controller.signal, timeout: 10_000 })
    controller.abort()
    await expect(pending).to.eventually.be.rejected.with.property('name', 'AbortError')
  })

  it('removes an actor that stops from its groups everywhere', async () => {
    const [a, b, c] = await cluster()
    const a1 = await a.spawn(Recorder)
    const a2 = await a.spawn(Recorder)
    await a.groups.join('g', a1)
    await a.groups.join('h', a1)
    await a.groups.join('g', a2)
    await eventually(() => everywhere([a, b, c], 'g', [a1, a2]) && everywhere([a, b, c], 'h', [a1]), 'g and h known everywhere')

    const leftAtB: GroupMember[] = []
    b.groups.addEventListener('group:leave', (evt) => { leftAtB.push(evt.detail) })
    await a.stopActor(a1)
    expect(a.groups.members('g').map(key), 'at once on its own node').to.deep.equal([key(a2)])
    await eventually(() => everywhere([a, b, c], 'g', [a2]) && everywhere([a, b, c], 'h', []), 'a1 gone everywhere')
    expect(leftAtB.map(m => `${m.group} ${key(m.ref)}`).sort()).to.deep.equal([`g ${key(a1)}`, `h ${key(a1)}`])
    expect(c.groups.which()).to.deep.equal(['g'])
  })

  it('removes the members of a node that dies', async () => {
    const [a, b, c] = await cluster()
    const refs = [await a.spawn(Recorder), await b.spawn(Recorder), await c.spawn(Recorder), await c.spawn(Recorder)]
    await a.groups.join('g', refs[0])
    await b.groups.join('g', refs[1])
    await c.groups.join('g', refs[2])
    await c.groups.join('solo', refs[3])
    await eventually(() => everywhere([a, b, c], 'g', refs.slice(0, 3)), 'g known everywhere')

    await c.host.stop()
    await eventually(() => everywhere([a, b], 'g', refs.slice(0, 2)), 'c\'s members gone from a and b')
    expect(a.groups.which()).to.deep.equal(['g'])
    expect(b.groups.members('solo')).to.deep.equal([])
  })

  it('converges on both sides after a partition heals, with the changes made meanwhile', async () => {
    const [a, b, c] = await cluster()
    const [a1, a2, c1, c2] = [await a.spawn(Recorder), await a.spawn(Recorder), await c.spawn(Recorder), await c.spawn(Recorder)]
    await a.groups.join('g', a1)
    await c.groups.join('g', c1)
    await eventually(() => everywhere([a, b, c], 'g', [a1, c1]), 'g known everywhere')

    await nodes.cuts.partition([a, b], [c])
    await formed([a, b], 2)
    await formed([c], 1)
    await eventually(() => everywhere([a, b], 'g', [a1]) && everywhere([c], 'g', [c1]), 'each side sees only its own members')

    // both sides change while apart
    await a.groups.join('g', a2)
    await a.groups.leave('g', a1)
    await c.groups.join('g', c2)
    await c.groups.join('h', c2)
    await eventually(() => everywhere([a, b], 'g', [a2]) && everywhere([c], 'g', [c1, c2]), 'the changes are seen on their own side')

    nodes.cuts.heal()
    await formed([a, b, c])
    await eventually(() => everywhere([a, b, c], 'g', [a2, c1, c2]) && everywhere([a, b, c], 'h', [c2]), 'every node sees both sides\' members')
  })
})
