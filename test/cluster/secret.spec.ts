// The cluster secret: the libp2p pnet wire format kept (a stock libp2p node with the swarm key connects, one with
// another key cannot), and a burst of traffic under it that once crashed the process.
import { spawn } from 'node:child_process'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { ping } from '@libp2p/ping'
import { preSharedKey } from '@libp2p/pnet'
import { tcp } from '@libp2p/tcp'
import { expect } from 'aegir/chai'
import { createLibp2p } from 'libp2p'
import { generateSecret, preSharedKeyFrom } from '../../src/config/secret.ts'
import { LOOPBACK, TestNodes, uniqueCluster } from '../fixtures/nodes.ts'
import type { Libp2p } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'

/** A plain libp2p node with `@libp2p/pnet`, as a user of libp2p alone would set one up. */
async function stockNode (swarmKey: Uint8Array): Promise<Libp2p<{ ping: Ping }>> {
  return createLibp2p({
    addresses: { listen: LOOPBACK },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionProtector: preSharedKey({ psk: swarmKey }),
    services: { ping: ping() }
  })
}

/** Runs test/fixtures/secret-burst.ts in a process of its own; resolves with its exit and output. */
async function runBurst (...args: string[]): Promise<{ code: number | null, signal: string | null, output: string }> {
  const child = spawn(process.execPath, ['test/fixtures/secret-burst.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const [code, signal] = await new Promise<[number | null, string | null]>(resolve => child.on('close', (c, s) => { resolve([c, s]) }))
  return { code, signal, output }
}

/** The JSON lines a burst printed, one per run. */
function runsOf (output: string): any[] {
  return output.split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line))
}

describe('cluster: secret', function () {
  this.timeout(120_000)
  const nodes = new TestNodes()
  const stock: Array<Libp2p<{ ping: Ping }>> = []

  afterEach(async () => {
    await Promise.allSettled(stock.splice(0).map(async n => { await n.stop() }))
    await nodes.stopAll()
  })

  it('keeps the pnet wire format: a stock libp2p node with the swarm key connects to a member, both ways', async () => {
    const secret = generateSecret()
    const member = await nodes.start({ clusterName: uniqueCluster(), secret, discovery: { mdns: false } })
    const plain = await stockNode(preSharedKeyFrom(secret))
    stock.push(plain)
    const rtt = await plain.services.ping.ping(member.host.getMultiaddrs())
    expect(rtt).to.be.a('number')
    // and the member dials the stock node: the protector runs on the other side of the handshake
    await plain.hangUp(member.host.peerId)
    const back = await member.host.dial(plain.getMultiaddrs())
    expect(back.remotePeer.equals(plain.peerId)).to.equal(true)
    expect(back.status).to.equal('open')
  })

  it('a stock libp2p node with another swarm key cannot connect', async () => {
    const member = await nodes.start({ clusterName: uniqueCluster(), secret: generateSecret(), discovery: { mdns: false } })
    const stranger = await stockNode(preSharedKeyFrom(generateSecret()))
    stock.push(stranger)
    await expect(stranger.services.ping.ping(member.host.getMultiaddrs(), { signal: AbortSignal.timeout(5000) })).to.eventually.be.rejected()
    expect(member.host.getConnections()).to.have.length(0)
  })

  // 50,000 sends of 1 KiB each way, then 20,000 concurrent calls: with @libp2p/pnet's shared WebAssembly cipher this
  // crashed the process (`WebAssembly.Memory.grow(): Maximum memory size exceeded`) in about one run of three
  it('survives a burst of sends and calls, every message delivered and every call answered (3 runs)', async () => {
    for (let run = 1; run <= 3; run++) {
      const { code, signal, output } = await runBurst()
      expect(output, `run ${run}`).to.not.include('Maximum memory size exceeded')
      expect({ code, signal }, `run ${run}: ${output.slice(-2000)}`).to.deep.equal({ code: 0, signal: null })
      const [result] = runsOf(output)
      expect({ ...result, callsMs: 0 }, `run ${run}`).to.deep.equal({ cut: false, sent: 50_000, received: 120_000, calls: 20_000, answered: 20_000, errors: {}, callsMs: 0 })
    }
  })

  // a connection aborted under such a load once left every call in flight waiting its full 30 s timeout: each call is
  // answered or fails with NodeDownError, at once
  it('answers or fails fast every call of a burst whose connection is cut, never by timeout (20 runs, 10 cut: aborted by the caller or closed by the callee)', async () => {
    const { code, signal, output } = await runBurst('10000', '5000', '20', 'cut')
    expect({ code, signal }, output.slice(-2000)).to.deep.equal({ code: 0, signal: null })
    const runs = runsOf(output)
    expect(runs).to.have.lengthOf(20)
    for (const [i, run] of runs.entries()) {
      const failed = run.errors.NodeDownError ?? 0
      expect(Object.keys(run.errors).filter(name => name !== 'NodeDownError'), `run ${i + 1}: ${JSON.stringify(run)}`).to.deep.equal([])
      expect(run.answered + failed, `run ${i + 1}: ${JSON.stringify(run)}`).to.equal(run.calls)
      expect(run.callsMs, `run ${i + 1}: well inside the 30 s call timeout`).to.be.below(10_000)
      if (run.cut === false) { expect(run.answered, `run ${i + 1}`).to.equal(run.calls) }
    }
    // an aborted connection takes the answers on the wire with it (unless all were in already); a clean close lets
    // them arrive first
    const aborted = runs.filter(run => run.cut === 'abort')
    expect(aborted).to.have.lengthOf(5)
    expect(aborted.filter(run => run.errors.NodeDownError > 0), 'aborted runs that failed calls in flight').to.have.length.above(0)
  })
})
