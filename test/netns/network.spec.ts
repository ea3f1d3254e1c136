// The namespace network itself: hosts reach each other by TCP and multicast, a partition cuts both, removal is total.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { expect } from 'aegir/chai'
import { SECOND } from '../../src/config/units.ts'
import { NetnsNetwork, command, inNamespace, removeLeftovers } from '../fixtures/netns.ts'
import type { NetnsHost, Partition } from '../fixtures/netns.ts'

const PROBE = new URL('./probe.ts', import.meta.url).pathname
const PORT = 4100
/** ms for a probe listener to start */
const READY_TIMEOUT = 10 * SECOND
/** ms a datagram gets to arrive once the sender is done: long on a bridge in one kernel */
const ARRIVAL_TIMEOUT = 500

interface LinkResult {
  /** 'ok', or how the connect failed */
  tcp: string
  /** whether the listener heard the sender's multicast datagram */
  multicast: boolean
}

/** Sends one multicast datagram and one TCP connect from `from` to `to`, and reports what got through. */
async function probe (from: NetnsHost, to: NetnsHost): Promise<LinkResult> {
  const listener = spawn('ip', ['netns', 'exec', to.namespace, process.execPath, '--disable-warning=ExperimentalWarning', PROBE, 'listen', to.ip, String(PORT)], { stdio: ['pipe', 'pipe', 'inherit'] })
  const exited = once(listener, 'exit')
  const heard: Array<Record<string, unknown>> = []
  const checks = new Set<() => void>()
  createInterface({ input: listener.stdout }).on('line', (line) => {
    heard.push(JSON.parse(line))
    for (const check of checks) { check() }
  })
  exited.then(() => { for (const check of checks) { check() } }, () => {})
  /** true once the listener printed a matching line; false after `timeout` or when it exits */
  const until = async (match: (message: Record<string, unknown>) => boolean, timeout: number): Promise<boolean> => new Promise(resolve => {
    const done = (result: boolean): void => {
      clearTimeout(timer)
      checks.delete(check)
      resolve(result)
    }
    const check = (): void => {
      if (heard.some(match)) { done(true) } else if (listener.exitCode != null || listener.signalCode != null) { done(false) }
    }
    const timer = setTimeout(() => { done(false) }, timeout)
    checks.add(check)
    check()
  })

  try {
    if (!await until(m => m.ready === true, READY_TIMEOUT)) { throw new Error(`probe listener in ${to.namespace} did not start`) }
    const sent = JSON.parse(await inNamespace(from.namespace, [process.execPath, '--disable-warning=ExperimentalWarning', PROBE, 'send', from.ip, to.ip, String(PORT)]))
    const multicast = await until(m => m.multicast === `from ${from.ip}`, ARRIVAL_TIMEOUT)
    return { tcp: sent.tcp, multicast }
  } finally {
    listener.kill('SIGKILL')
    await exited
  }
}

describe('namespace network', function () {
  let network: NetnsNetwork | undefined

  before(function () {
    if (process.getuid?.() !== 0) { this.skip() }
  })

  afterEach(async () => {
    await network?.remove()
    network = undefined
  })

  it('links every pair of hosts by TCP and by multicast, over the bridge in its own namespace', async () => {
    network = await NetnsNetwork.create(3)
    const [h0, h1, h2] = network.hosts
    for (const [from, to] of [[h0, h1], [h1, h2], [h2, h0]]) {
      expect(await probe(from, to), `${from.ip} → ${to.ip}`).to.deep.equal({ tcp: 'ok', multicast: true })
    }
    // the root namespace holds none of it
    expect(await command(['ip', '-o', 'link', 'show'])).to.not.include(network.prefix)
    expect(await inNamespace(network.switchNamespace, ['ip', '-o', 'link', 'show', 'master', network.bridge])).to.include(h0.port)
  })

  /** Cuts the third host off (where the network chooses, or as asked), probes both ways, heals, probes again. */
  async function cutAndHeal (where?: Partition['where']): Promise<void> {
    network = await NetnsNetwork.create(3)
    const [h0, h1, h2] = network.hosts
    const partition = await network.partition(h2, where)
    if (where != null) { expect(partition.where).to.equal(where) }

    for (const [from, to] of [[h0, h2], [h2, h0]]) {
      const result = await probe(from, to)
      expect(result.tcp, `TCP ${from.ip} → ${to.ip} while cut (${partition.where})`).to.not.equal('ok')
      expect(result.multicast, `multicast ${from.ip} → ${to.ip} while cut (${partition.where})`).to.be.false()
    }
    expect(await probe(h0, h1), 'the others still reach each other').to.deep.equal({ tcp: 'ok', multicast: true })

    await partition.heal()
    expect(await probe(h0, h2), 'after the heal').to.deep.equal({ tcp: 'ok', multicast: true })
    expect(await probe(h2, h1), 'after the heal').to.deep.equal({ tcp: 'ok', multicast: true })
  }

  it('cuts a host off both ways, TCP and multicast, and heals it (in the switch when it filters bridged traffic)', async () => {
    await cutAndHeal()
  })

  it('cuts a host off both ways, TCP and multicast, and heals it (in the host\'s own INPUT and OUTPUT)', async () => {
    await cutAndHeal('host')
  })

  it('removes every namespace and interface of its run, and refuses to clean up anything but a run\'s prefix', async () => {
    network = await NetnsNetwork.create(2)
    const prefix = network.prefix
    expect((await command(['ip', 'netns', 'list'])).match(new RegExp(`^${prefix}-`, 'gm'))).to.have.lengthOf(3)
    await network.remove()
    expect(await command(['ip', 'netns', 'list'])).to.not.include(prefix)
    expect(await command(['ip', '-o', 'link', 'show'])).to.not.include(prefix)
    await expect(removeLeftovers('fnd')).to.eventually.be.rejectedWith(/not a prefix of one run/)
    await expect(removeLeftovers('eth')).to.eventually.be.rejectedWith(/not a prefix of one run/)
    await expect(removeLeftovers(`${prefix}-h`)).to.eventually.be.rejectedWith(/not a prefix of one run/)
  })
})
