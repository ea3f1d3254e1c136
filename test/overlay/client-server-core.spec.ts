// The client-server shape's core on its own: which members serve, how a client picks and moves its links
// (make-before-break), what a server takes, and what a peer may send it.
import { expect } from 'aegir/chai'
import {
  ClientServerCore, InvalidClientServerConfigError, preferredServers, resolveClientServerConfig, serverCount, serverScore, serverView, validateClientServerMessage
} from '../../src/overlay/client-server/index.ts'
import { MalformedFrameError } from '../../src/wire/errors.ts'
import type { ClientServerOutput } from '../../src/overlay/client-server/index.ts'

const config = resolveClientServerConfig()
const members = Array.from({ length: 40 }, (_, i) => `m${i}`)

function sentTo (out: ClientServerOutput, type: string): string[] {
  return out.send.filter(o => o.message.type === type).map(o => o.to)
}

function ups (out: ClientServerOutput): string[] {
  return out.events.filter(e => e.type === 'up').map(e => e.peer)
}

describe('client-server overlay core', () => {
  it('gives a cluster √(2N) servers, so a server holds about 2√(2N) links, and never fewer than three', () => {
    expect(serverCount(5000, config)).to.equal(100)
    expect(serverCount(10_000, config)).to.equal(142)
    expect(serverCount(4, config)).to.equal(3)
    expect(serverCount(2, config)).to.equal(2)
  })

  it('chooses the same servers whatever the order of the list, and moves at most one when a member joins', () => {
    // 45 and 46 members both get ten servers
    const base = Array.from({ length: 45 }, (_, i) => `m${i}`)
    const view = serverView(base, config)
    expect(view.servers).to.have.length(10)
    expect(serverView([...base].reverse(), config).servers).to.deep.equal(view.servers)
    const lowest = serverScore(view.servers[9])
    const quiet = Array.from({ length: 100 }, (_, i) => `q${i}`).find(id => serverScore(id) < lowest) as string
    const ranking = Array.from({ length: 100 }, (_, i) => `r${i}`).find(id => serverScore(id) > lowest) as string
    expect(serverView([...base, quiet], config).servers, 'a newcomer that does not rank').to.deep.equal(view.servers)
    const moved = serverView([...base, ranking], config).servers
    expect(moved).to.include(ranking)
    expect(moved.filter(id => !view.servers.includes(id))).to.deep.equal([ranking])
  })

  it('links a client to its two preferred servers, up once each answers', () => {
    const view = serverView(members, config)
    const client = members.find(id => !view.servers.includes(id)) as string
    const core = new ClientServerCore({ self: client, config })
    const [first, second] = preferredServers(client, view.servers)
    const out = core.setView(view, 0)
    expect(core.role).to.equal('client')
    expect(sentTo(out, 'link').sort()).to.deep.equal([first, second].sort())
    expect(ups(core.receive(first, { type: 'linked' }, 10))).to.deep.equal([first])
    expect(ups(core.receive(second, { type: 'linked' }, 10))).to.deep.equal([second])
    expect(core.active().sort()).to.deep.equal([first, second].sort())
  })

  it('links a server to every other server, and takes any LINK', () => {
    const view = serverView(members, config)
    const server = view.servers[0]
    const core = new ClientServerCore({ self: server, config })
    const out = core.setView(view, 0)
    expect(core.role).to.equal('server')
    expect(sentTo(out, 'link').sort()).to.deep.equal(view.servers.slice(1).sort())
    const client = members.find(id => !view.servers.includes(id)) as string
    const answer = core.receive(client, { type: 'link' }, 5)
    expect(sentTo(answer, 'linked')).to.deep.equal([client])
    expect(core.isActive(client)).to.equal(true)
  })

  it('keeps a replacement until the server it prefers is back: no moment with fewer links than before', () => {
    const view = serverView(members, config)
    const client = members.find(id => !view.servers.includes(id)) as string
    const core = new ClientServerCore({ self: client, config })
    const [first, second, third] = preferredServers(client, view.servers)
    core.setView(view, 0)
    core.receive(first, { type: 'linked' }, 10)
    core.receive(second, { type: 'linked' }, 10)

    const failed = core.linkFailed(first, 100)
    expect(sentTo(failed, 'link'), 'the next server is asked').to.deep.equal([third])
    core.receive(third, { type: 'linked' }, 120)
    expect(core.active().sort()).to.deep.equal([second, third].sort())

    // the preferred server's rest ends: it is asked again, and the replacement stays until it answers
    const retried = core.tick(100 + config.retryInterval)
    expect(sentTo(retried, 'link')).to.deep.equal([first])
    expect(sentTo(retried, 'unlink')).to.deep.equal([])
    expect(core.activeCount).to.equal(2)
    const back = core.receive(first, { type: 'linked' }, 100 + config.retryInterval + 10)
    expect(sentTo(back, 'unlink')).to.deep.equal([third])
    expect(core.active().sort()).to.deep.equal([first, second].sort())
  })

  it('counts an unanswered LINK as refused after linkTimeout, and asks the next server', () => {
    const view = serverView(members, config)
    const client = members.find(id => !view.servers.includes(id)) as string
    const core = new ClientServerCore({ self: client, config })
    const [, , third] = preferredServers(client, view.servers)
    core.setView(view, 0)
    expect(sentTo(core.tick(config.linkTimeout - 1), 'link')).to.deep.equal([])
    const out = core.tick(config.linkTimeout)
    expect(sentTo(out, 'link')).to.include(third)
  })

  it('refuses a LINK from a member it does not link to when it is a client, and answers a late LINKED with UNLINK', () => {
    const view = serverView(members, config)
    const [client, other] = members.filter(id => !view.servers.includes(id))
    const core = new ClientServerCore({ self: client, config })
    core.setView(view, 0)
    expect(sentTo(core.receive(other, { type: 'link' }, 5), 'unlink')).to.deep.equal([other])
    expect(sentTo(core.receive(other, { type: 'linked' }, 6), 'unlink')).to.deep.equal([other])
    expect(core.isActive(other)).to.equal(false)
  })

  it('drops its clients when it stops serving, once its own server links are up', () => {
    const view = serverView(members, config)
    expect(view.servers).to.have.length(9)
    const server = view.servers[8]
    const core = new ClientServerCore({ self: server, config })
    core.setView(view, 0)
    const clients = members.filter(id => !view.servers.includes(id))
    core.receive(clients[0], { type: 'link' }, 5)
    // the cluster shrinks to 18 members: six servers, the best ranked six of before, and this one is not among them
    const smaller = serverView([...view.servers, ...clients.slice(0, 9)], config)
    expect(smaller.servers).to.deep.equal(view.servers.slice(0, 6))
    core.setView(smaller, 10)
    expect(core.role).to.equal('client')
    const wanted = preferredServers(server, smaller.servers).slice(0, 2)
    expect(core.isActive(clients[0]), 'kept until its own links are up').to.equal(true)
    // it asked them as a server already; their answers come now
    for (const id of wanted) { core.receive(id, { type: 'linked' }, 20) }
    expect(core.isActive(clients[0]), 'the former client is let go').to.equal(false)
    expect(core.active().sort()).to.deep.equal([...wanted].sort())
  })

  it('tells every peer when it leaves', () => {
    const view = serverView(members, config)
    const core = new ClientServerCore({ self: view.servers[0], config })
    core.setView(view, 0)
    core.receive(view.servers[1], { type: 'linked' }, 5)
    const out = core.leave()
    expect(sentTo(out, 'unlink')).to.deep.equal([view.servers[1]])
    expect(core.activeCount).to.equal(0)
  })

  it('rejects a malformed message naming the field, and options out of range naming them', () => {
    expect(validateClientServerMessage({ type: 'link', extra: 1 })).to.deep.equal({ type: 'link' })
    expect(() => validateClientServerMessage({ type: 'grab' })).to.throw(MalformedFrameError, /type is not a known message type/)
    expect(() => validateClientServerMessage([1])).to.throw(MalformedFrameError, /message is not a map/)
    expect(() => resolveClientServerConfig({ serverLinks: 0, linkTimeout: 1.5 })).to.throw(InvalidClientServerConfigError, /serverLinks, linkTimeout/)
  })
})
