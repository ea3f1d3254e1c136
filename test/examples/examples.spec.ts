// Runs each example for real, as its own process configured only by FOUNDATION_* variables, on loopback: the zero
// config one by mDNS, the production one by DNS A records from a real dnsmasq, the advanced one by SRV records and a
// static seed list at once, with an allow-list that keeps a stranger holding the secret out; the map-reduce one, three
// nodes in one process scoring a dataset with a thread task.
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { loadIdentity } from '../../src/config/identity.ts'
import { Foundation, MissingSecretError } from '../../src/index.ts'
import { DNSMASQ_ZONE, startDnsmasq } from '../fixtures/dnsmasq.ts'
import { uniqueCluster } from '../fixtures/nodes.ts'
import { ScriptProcess } from '../fixtures/script-process.ts'
import type { Dnsmasq } from '../fixtures/dnsmasq.ts'

/** how long a node may take to start and to find a peer on a busy shared machine */
const JOIN_TIMEOUT = 20_000
/** how long a node may take to leave the cluster and exit */
const EXIT_TIMEOUT = 10_000
/** how long a refused node keeps trying before the test checks that it never got in */
const REFUSAL_WINDOW = 3000

/** A TCP port free on every one of `hosts` (loopback addresses), for nodes that must share one port. */
async function freePort (hosts: string[]): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const first = net.createServer()
    const port = await new Promise<number>((resolve, reject) => {
      first.once('error', reject)
      first.listen(0, hosts[0], () => { resolve((first.address() as net.AddressInfo).port) })
    })
    const others = hosts.slice(1).map(() => net.createServer())
    const free = await Promise.all(others.map(async (server, i) => new Promise<boolean>(resolve => {
      server.once('error', () => { resolve(false) })
      server.listen(port, hosts[i + 1], () => { resolve(true) })
    })))
    await Promise.all([first, ...others].map(async server => new Promise(resolve => server.close(resolve))))
    if (free.every(Boolean)) { return port }
  }
  throw new Error(`found no TCP port free on all of ${hosts.join(', ')}`)
}

async function peerIdOf (keyFile: string): Promise<string> {
  return peerIdFromPrivateKey(await loadIdentity(keyFile)).toString()
}

describe('examples', function () {
  this.timeout(60_000)
  let running: ScriptProcess[] = []
  let dns: Dnsmasq | undefined
  let dir: string | undefined

  function start (label: string, example: string, env: Record<string, string>, cwd?: string): ScriptProcess {
    const child = new ScriptProcess(label, `examples/${example}/main.ts`, { env, cwd })
    running.push(child)
    return child
  }

  afterEach(async () => {
    await Promise.all(running.map(async child => { await child.kill() }))
    running = []
    await dns?.stop()
    dns = undefined
    if (dir != null) { await rm(dir, { recursive: true, force: true }) }
    dir = undefined
  })

  it('zero-config: two nodes find each other by mDNS, see each other leave, and stop with code 0 on SIGTERM', async () => {
    const env = { FOUNDATION_CLUSTER_NAME: uniqueCluster('zero'), FOUNDATION_LISTEN: '/ip4/127.0.0.1/tcp/0' }
    const a = start('a', 'zero-config', { ...env, FOUNDATION_NODE_NAME: 'a' })
    const b = start('b', 'zero-config', { ...env, FOUNDATION_NODE_NAME: 'b' })

    await Promise.all([a.line(/^joined b$/, JOIN_TIMEOUT), b.line(/^joined a$/, JOIN_TIMEOUT)])
    expect(a.stdout).to.include('discovery: mdns, the development profile\'s default: mdns on the local network')
    expect(a.stdout.find(line => line.startsWith('started a '))).to.include(`in cluster "${env.FOUNDATION_CLUSTER_NAME}"`)

    expect(await b.stop('SIGTERM', EXIT_TIMEOUT)).to.deep.equal({ code: 0, signal: null })
    expect(b.stdout.slice(-2)).to.deep.equal(['stopping (SIGTERM)', 'stopped'])
    await a.line(/^left b \(left\)$/, JOIN_TIMEOUT)
    expect(await a.stop('SIGTERM', EXIT_TIMEOUT)).to.deep.equal({ code: 0, signal: null })
    expect(a.errors, a.output).to.be.empty()
  })

  describe('production-dns', () => {
    const name = `nodes.${DNSMASQ_ZONE}`
    let env: Record<string, string>

    beforeEach(async () => {
      dns = await startDnsmasq({ hosts: { [name]: ['127.0.0.1', '127.0.0.2'] } })
      env = {
        FOUNDATION_PROFILE: 'production',
        FOUNDATION_SECRET: Foundation.generateSecret(),
        FOUNDATION_CLUSTER_NAME: uniqueCluster('prod'),
        FOUNDATION_DNS_NAME: name,
        FOUNDATION_DNS_SERVERS: dns.server
      }
    })

    it('two nodes on one port of two loopback addresses find each other by the A records of one name', async () => {
      // mode 'a' dials every address at one port: the nodes differ by address, not by port
      const port = await freePort(['127.0.0.1', '127.0.0.2'])
      const nodes = ['127.0.0.1', '127.0.0.2'].map((ip, i) => start(`n${i + 1}`, 'production-dns', {
        ...env,
        FOUNDATION_DNS_PORT: String(port),
        FOUNDATION_LISTEN: `/ip4/${ip}/tcp/${port}`,
        FOUNDATION_NODE_NAME: `n${i + 1}`
      }))
      const [n1, n2] = nodes

      await Promise.all([n1.line(/^joined n2$/, JOIN_TIMEOUT), n2.line(/^joined n1$/, JOIN_TIMEOUT)])
      expect(n1.stdout).to.include('discovery: cluster names dns')
      expect(n1.stdout.find(line => line.startsWith('started n1 '))).to.match(new RegExp(`on /ip4/127\\.0\\.0\\.1/tcp/${port}/p2p/12D3KooW`))
      expect(n2.stdout.find(line => line.startsWith('started n2 '))).to.match(new RegExp(`on /ip4/127\\.0\\.0\\.2/tcp/${port}/p2p/12D3KooW`))

      for (const node of nodes) {
        expect(await node.stop('SIGTERM', EXIT_TIMEOUT), node.output).to.deep.equal({ code: 0, signal: null })
        expect(node.stdout.at(-1)).to.equal('stopped')
      }
    })

    it('refuses to start without a secret, exiting non-zero with the MissingSecretError text', async () => {
      const { FOUNDATION_SECRET: _secret, ...withoutSecret } = env
      const node = start('no-secret', 'production-dns', { ...withoutSecret, FOUNDATION_DNS_PORT: '4001', FOUNDATION_LISTEN: '/ip4/127.0.0.1/tcp/0' })

      const exit = await node.exitWithin(EXIT_TIMEOUT)
      expect(exit.code, node.output).to.equal(1)
      expect(node.stdout).to.be.empty()
      expect(node.errors.join('\n')).to.equal(`could not start: MissingSecretError: ${new MissingSecretError('production').message}`)
    })
  })

  it('advanced: dns SRV and a static seed list each find a node, and the allow-list keeps a third one out', async () => {
    dir = await mkdtemp(join(tmpdir(), 'foundation-examples-'))
    const keys = { a: join(dir, 'a.key'), b: join(dir, 'b.key'), stranger: join(dir, 'stranger.key') }
    const ids = { a: await peerIdOf(keys.a), b: await peerIdOf(keys.b), stranger: await peerIdOf(keys.stranger) }
    const [portA, portB] = [await freePort(['127.0.0.1']), await freePort(['127.0.0.1'])]
    const service = `_foundation._tcp.orders.${DNSMASQ_ZONE}`
    // DNS lists only a, the seed list only b: each node is found by one strategy alone
    dns = await startDnsmasq({
      hosts: { [`a.${DNSMASQ_ZONE}`]: ['127.0.0.1'] },
      srv: { [service]: [{ target: `a.${DNSMASQ_ZONE}`, port: portA }] }
    })
    const env = {
      FOUNDATION_SECRET: Foundation.generateSecret(),
      FOUNDATION_CLUSTER_NAME: uniqueCluster('orders'),
      FOUNDATION_DNS_NAME: service,
      FOUNDATION_DNS_SERVERS: dns.server,
      FOUNDATION_PEERS: `127.0.0.1:${portB}`,
      FOUNDATION_ALLOW_PEERS: `${ids.a},${ids.b}`
    }
    // the example's default key file is relative: run it in the temporary folder so nothing lands in the repo
    const a = start('a', 'advanced', { ...env, FOUNDATION_NODE_NAME: 'a', FOUNDATION_KEY_FILE: keys.a, FOUNDATION_LISTEN: `/ip4/127.0.0.1/tcp/${portA}` }, dir)
    const b = start('b', 'advanced', { ...env, FOUNDATION_NODE_NAME: 'b', FOUNDATION_KEY_FILE: keys.b, FOUNDATION_LISTEN: `/ip4/127.0.0.1/tcp/${portB}` }, dir)

    await Promise.all([a.line(new RegExp(`^joined b \\(${ids.b}\\)$`), JOIN_TIMEOUT), b.line(new RegExp(`^joined a \\(${ids.a}\\)$`), JOIN_TIMEOUT)])
    expect(a.stdout.find(line => line.startsWith('started a '))).to.include(`as peer id ${ids.a} on /ip4/127.0.0.1/tcp/${portA}/p2p/${ids.a}`)
    expect(a.stdout).to.include('discovery chosen by cluster: cluster names dns, static')

    // a stranger with the secret, dialling both by the seed list, and a DNS name nobody serves
    const stranger = start('stranger', 'advanced', {
      ...env,
      FOUNDATION_NODE_NAME: 'stranger',
      FOUNDATION_KEY_FILE: keys.stranger,
      FOUNDATION_LISTEN: '/ip4/127.0.0.1/tcp/0',
      FOUNDATION_DNS_NAME: `_foundation._tcp.missing.${DNSMASQ_ZONE}`,
      FOUNDATION_PEERS: `127.0.0.1:${portA},127.0.0.1:${portB}`,
      FOUNDATION_ALLOW_PEERS: `${ids.a},${ids.b},${ids.stranger}`
    }, dir)
    await stranger.line(/^started stranger /, JOIN_TIMEOUT)
    await stranger.line(/^discovery error: DnsNameNotFoundError: dns discovery: /, JOIN_TIMEOUT, 'stderr')
    await new Promise(resolve => setTimeout(resolve, REFUSAL_WINDOW))
    expect(a.stdout.filter(line => line.startsWith('joined ')), a.output).to.have.lengthOf(1)
    expect(b.stdout.filter(line => line.startsWith('joined ')), b.output).to.have.lengthOf(1)
    expect(stranger.stdout.filter(line => line.startsWith('joined ')), stranger.output).to.be.empty()

    // on the way out each prints what its strategies found: the stranger did reach both seeds, and was refused
    expect(await stranger.stop('SIGTERM', EXIT_TIMEOUT)).to.deep.equal({ code: 0, signal: null })
    expect(stranger.stdout).to.include('discovery static: found 2, failures 0')
    expect(stranger.stdout.some(line => /^discovery dns: found 0, failures [1-9]\d*, last error DnsNameNotFoundError: /.test(line)), stranger.output).to.be.true()

    expect(await b.stop('SIGTERM', EXIT_TIMEOUT)).to.deep.equal({ code: 0, signal: null })
    expect(await a.stop('SIGTERM', EXIT_TIMEOUT)).to.deep.equal({ code: 0, signal: null })
    // each found the other by one strategy alone, and left itself out of what it found
    const summary = (node: ScriptProcess): string[] => node.stdout.slice(node.stdout.indexOf('stopping (SIGTERM)'))
    expect(summary(a), a.output).to.include.members(['discovery dns: found 0, failures 0', 'discovery static: found 1, failures 0'])
    expect(summary(b), b.output).to.include.members(['discovery dns: found 1, failures 0', 'discovery static: found 0, failures 0'])
  })

  it('map-reduce: three nodes score a dataset with a thread task, the progress shown as it goes; the result matches a local run', async function () {
    this.timeout(120_000)
    const run = start('map-reduce', 'map-reduce', {})
    expect(await run.exitWithin(100_000), run.output).to.deep.equal({ code: 0, signal: null })
    expect(run.stdout[0], run.output).to.match(/^cluster "map-reduce-[0-9a-f]+": ai-1, ai-2, ai-3$/)
    expect(run.stdout[1], run.output).to.match(/^dashboard: http:\/\/127\.0\.0\.1:\d+\/$/)

    // off a terminal, a line at every tenth of the chunks, up to all of them
    const progress = run.stdout.filter(line => line.startsWith('score: '))
    expect(progress.every(line => /^score: \d+\/100 chunks \(\d+ %\), \d+ in flight, [0-3] workers$/.test(line)), run.output).to.be.true()
    const tenths = progress.map(line => Math.floor(Number(/^score: (\d+)\//.exec(line)?.[1]) / 10))
    expect(tenths, run.output).to.deep.equal([...new Set(tenths)].sort((a, b) => a - b))
    expect(progress.length, run.output).to.be.within(3, 11)
    expect(progress.at(-1), run.output).to.equal('score: 100/100 chunks (100 %), 0 in flight, 3 workers')

    expect(run.stdout, run.output).to.satisfy((lines: string[]) => lines.some(line => /^result matches the local run: 20000 rows, score sum \d+$/.test(line)))
    expect(run.stdout, run.output).to.satisfy((lines: string[]) => lines.some(line => /^mean score \d+\.\d\d in \d+\.\d s$/.test(line)))
    // every node took chunks, and every chunk was reduced once
    const perNode = /^chunks per node: ai-1 (\d+), ai-2 (\d+), ai-3 (\d+)$/.exec(run.stdout.find(line => line.startsWith('chunks per node: ')) ?? '')
    expect(perNode, run.output).to.not.equal(null)
    const counts = perNode!.slice(1).map(Number)
    expect(counts.every(n => n > 0), run.output).to.be.true()
    expect(counts.reduce((a, b) => a + b, 0), run.output).to.equal(100)
    expect(run.stdout.at(-1), run.output).to.equal('stopped')
    expect(run.errors, run.output).to.be.empty()
  })
})
