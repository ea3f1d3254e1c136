// Which gateway a node sends through, and when another cluster counts as reachable: the sans-IO parts, fed members,
// answers and a clock by hand.
import { TypedEventEmitter } from '@libp2p/interface'
import { expect } from 'aegir/chai'
import { gatewayRole } from '../../src/federation/gateway-roles.ts'
import { MAX_GATEWAYS_CONSIDERED, RemoteCluster } from '../../src/federation/remote-cluster.ts'
import { RemoteClusters } from '../../src/federation/remote-clusters.ts'
import type { MemberReportEvents } from '../../src/groups/index.ts'
import type { Member, MemberStatus, MembershipEvents } from '../../src/membership/index.ts'
import type { Clock } from '../../src/time/clock.ts'

/** a clock the test moves by hand; `tick` runs the repeating timers once */
function manualClock (): Clock & { tick(): void, timers(): number } {
  const repeating = new Set<() => void>()
  return {
    now: () => 1_000_000,
    after: () => ({ cancel: () => {} }),
    every: (_ms, fn) => {
      repeating.add(fn)
      return { cancel: () => { repeating.delete(fn) } }
    },
    soon: () => ({ cancel: () => {} }),
    tick: () => { for (const fn of [...repeating]) { fn() } },
    timers: () => repeating.size
  }
}

class Members extends TypedEventEmitter<MembershipEvents> {
  readonly list: Member[] = []
  /** how often the members were read */
  reads = 0

  members (): Member[] {
    this.reads++
    return this.list
  }

  set (id: string, status: MemberStatus, roles: string[] = []): void {
    const member = { id, name: id, roles, addresses: [], status, incarnation: 0 }
    const index = this.list.findIndex(m => m.id === id)
    if (index >= 0) { this.list[index] = member } else { this.list.push(member) }
    const event = ({ alive: 'member:join', suspect: 'member:suspect', dead: 'member:leave', left: 'member:leave' } as const)[status]
    this.safeDispatchEvent(event, { detail: member })
  }
}

const flush = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }

/** The members' load reports, as far as gateways tell in them the clusters they cannot reach. */
class Reports extends TypedEventEmitter<MemberReportEvents> {
  private readonly unreachable = new Map<string, string[]>()

  unreachableFrom (id: string): readonly string[] { return this.unreachable.get(id) ?? [] }

  report (id: string, unreachable: string[]): void {
    this.unreachable.set(id, unreachable)
    this.safeDispatchEvent('member:report', { detail: id })
  }
}

describe('gateways to another cluster', () => {
  it(`chooses calls' gateways among the ${MAX_GATEWAYS_CONSIDERED} longest-lived usable ones, by two random choices`, () => {
    const remote = new RemoteCluster('ai', 0)
    const uptimes: Record<string, number> = { g1: 50, g2: 40, g3: 30, g4: 20, g5: 10 }
    remote.update(new Set(Object.keys(uptimes)), 5, 0)
    const request = { exclude: new Set<string>(), uptimeOf: (id: string) => uptimes[id], now: 0, random: Math.random }
    const chosen = new Set(Array.from({ length: 200 }, () => remote.chooseForCall(request)?.id))
    expect([...chosen].sort()).to.deep.equal(['g1', 'g2', 'g3'])
    // one cut off: the next oldest comes in
    remote.cutOff('g2')
    expect(new Set(Array.from({ length: 200 }, () => remote.chooseForCall(request)?.id))).to.deep.equal(new Set(['g1', 'g3', 'g4']))
    // each call tries each at most once
    expect(remote.chooseForCall({ ...request, exclude: new Set(['g1', 'g3', 'g4']) })).to.equal(undefined)
    // a gateway whose calls time out is drawn less than one that answers
    const slow = remote.get('g1')!
    slow.latency.penalize(5000, 0)
    for (const id of ['g3', 'g4']) { remote.get(id)!.latency.observe(2, 0) }
    const drawn = Array.from({ length: 300 }, () => remote.chooseForCall(request)?.id)
    expect(drawn.filter(id => id === 'g1').length).to.be.below(10)
  })

  it('keeps one target\'s sends on one gateway while the gateways stay, and spreads targets over them', () => {
    const remote = new RemoteCluster('ai', 0)
    remote.update(new Set(['g1', 'g2', 'g3']), 3, 0)
    const request = { uptimeOf: () => 0, now: 0, random: Math.random }
    const first = remote.chooseForSend('model', request)?.id
    expect(Array.from({ length: 20 }, () => remote.chooseForSend('model', request)?.id).every(id => id === first)).to.equal(true)
    expect(new Set(Array.from({ length: 60 }, (_, i) => remote.chooseForSend(`target-${i}`, request)?.id)).size).to.equal(3)
  })

  it('tells when the usable gateways become none or some: members leaving, gateways cut off and probed back', async () => {
    const members = new Members()
    const clock = manualClock()
    const changes: string[] = []
    const reaches = new Map<string, boolean>()
    const remotes = new RemoteClusters({
      self: 'me',
      membership: members,
      probe: async (gateway) => reaches.get(gateway) ?? false,
      changed: (cluster, reachable) => { changes.push(`${cluster} ${reachable ? 'reachable' : 'unreachable'}`) },
      clock
    })
    members.set('me', 'alive', [gatewayRole('other')])
    remotes.start()
    expect(remotes.get('other'), 'its own role counts for nothing').to.equal(undefined)

    members.set('g1', 'alive', [gatewayRole('ai')])
    members.set('g2', 'alive', [gatewayRole('ai'), gatewayRole('analytics')])
    expect(changes).to.deep.equal(['ai reachable', 'analytics reachable'])
    expect(remotes.info()).to.deep.equal([{ name: 'ai', gateways: 2, reachable: true }, { name: 'analytics', gateways: 1, reachable: true }])

    remotes.cutOff('ai', 'g1')
    remotes.cutOff('ai', 'g2')
    expect(changes.slice(2)).to.deep.equal(['ai unreachable'])
    expect(clock.timers(), 'cut-off gateways are probed').to.equal(1)
    clock.tick()
    await flush()
    expect(changes.slice(3), 'a probe that says no restores nothing').to.deep.equal([])
    reaches.set('g2', true)
    clock.tick()
    await flush()
    expect(changes.slice(3)).to.deep.equal(['ai reachable'])
    expect(remotes.get('ai')?.cutOffIds()).to.deep.equal(['g1'])

    // g1 leaves: nothing is cut off any more, so the probes end
    members.set('g1', 'dead', [gatewayRole('ai')])
    clock.tick()
    expect(clock.timers()).to.equal(0)
    members.set('g2', 'dead', [gatewayRole('ai'), gatewayRole('analytics')])
    expect(changes.slice(4)).to.deep.equal(['ai unreachable', 'analytics unreachable'])
    // still known while its gateways are remembered: unreachable, not unknown
    expect(remotes.info()).to.deep.equal([{ name: 'ai', gateways: 0, reachable: false }, { name: 'analytics', gateways: 0, reachable: false }])
    remotes.stop()
  })

  it('leaves out a gateway whose report says it cannot reach the cluster, with no call made, and takes it back when one says it can', () => {
    const members = new Members()
    const reports = new Reports()
    const changes: string[] = []
    const remotes = new RemoteClusters({
      self: 'me',
      membership: members,
      probe: async () => { throw new Error('no probe: the reports tell') },
      changed: (cluster, reachable) => { changes.push(`${cluster} ${reachable ? 'reachable' : 'unreachable'}`) },
      reports,
      clock: manualClock()
    })
    remotes.start()
    members.set('g1', 'alive', [gatewayRole('ai'), gatewayRole('analytics')])
    members.set('g2', 'alive', [gatewayRole('ai')])
    reports.report('g1', ['ai'])
    expect(remotes.get('ai')?.chooseForCall({ exclude: new Set(), uptimeOf: () => 1, now: 0, random: () => 0 })?.id, 'only g2 is chosen').to.equal('g2')
    reports.report('g2', ['ai'])
    expect(changes).to.deep.equal(['ai reachable', 'analytics reachable', 'ai unreachable'])
    expect(remotes.info()).to.deep.equal([{ name: 'ai', gateways: 2, reachable: false }, { name: 'analytics', gateways: 1, reachable: true }])
    expect(remotes.get('ai')?.cutOffIds(), 'nothing to probe: the next report tells').to.deep.equal([])
    reports.report('g2', [])
    expect(changes.slice(3)).to.deep.equal(['ai reachable'])
    // every member reports every few seconds: a report that names what the last one did reads nothing again
    const reads = members.reads
    reports.report('g1', ['ai'])
    reports.report('g2', [])
    reports.report('other', [])
    expect(members.reads, 'reports with no news').to.equal(reads)
    remotes.stop()
  })
})
