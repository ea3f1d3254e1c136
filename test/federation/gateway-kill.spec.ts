// A gateway in a child process, killed with SIGKILL while a node of app calls an actor of ai through it and through a
// second gateway: calls succeed again within twice the failure detection time of the test membership settings, and
// meanwhile every call that failed did so with a named error, before its timeout.
import { expect } from 'aegir/chai'
import { generateSecret } from '../../src/config/secret.ts'
import { TestFederations } from '../fixtures/federations.ts'
import { FAST_MEMBERSHIP, TestNodes, eventually, uniqueCluster } from '../fixtures/nodes.ts'
import { ScriptProcess } from '../fixtures/script-process.ts'
import type { Actor } from '../../src/actors/index.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

class Model implements Actor {
  receive (message: unknown): unknown { return message }
}

/** how long the test membership settings take at most to declare a killed member dead: a probe, its timeout, the suspicion */
const DETECTION_MS = FAST_MEMBERSHIP.probeInterval + FAST_MEMBERSHIP.probeTimeout + FAST_MEMBERSHIP.suspectTimeout
const CALL_TIMEOUT_MS = 1000
const CALLERS = 4
/** errors a call may fail with while a gateway goes: each says what happened */
const NAMED = ['ClusterUnreachableError', 'NodeDownError', 'CallTimeoutError']

interface Call { started: number, ended: number, ok: boolean, error?: string }

describe('a gateway process killed while calls go through it', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()
  const federations = new TestFederations(nodes.cuts)
  const app = uniqueCluster('app')
  const ai = uniqueCluster('ai')
  const secrets = { app: generateSecret(), ai: generateSecret() }
  let child: ScriptProcess | undefined
  let a1: FoundationNode

  after(async () => {
    await child?.kill()
    await federations.stopAll()
    await nodes.stopAll()
  })

  it(`is replaced by the second gateway within 2x the failure detection time (${2 * DETECTION_MS} ms), every failed call named and within its timeout`, async () => {
    child = new ScriptProcess('gateway', 'test/fixtures/gateway-process.ts', { args: [app, ai, secrets.app, secrets.ai, 'gw1'] })
    const [b1, started] = await Promise.all([
      nodes.start({ clusterName: ai, secret: secrets.ai, name: 'b1', http: { enabled: false } }),
      nodes.start({ clusterName: app, secret: secrets.app, name: 'a1', http: { enabled: false } }),
      federations.start({
        clusters: { [app]: { secret: secrets.app, name: 'gw2-app', http: { enabled: false } }, [ai]: { secret: secrets.ai, name: 'gw2-ai', http: { enabled: false } } },
        gateway: true
      })
    ])
    a1 = started
    await b1.spawn(Model, { name: 'model' })
    const killed = JSON.parse(await child.line(/"ready":true/, 30_000)) as { app: string }
    await eventually(() => a1.info().remoteClusters.some(r => r.name === ai && r.gateways === 2), 'a1 sees both gateways to ai')
    // until the child gateway has carried calls: the kill then takes calls that go through it
    for (let i = 0; i < 200 && a1.crossCluster.remote(ai)?.get(killed.app)?.latency.known !== true; i++) {
      await a1.callCluster(ai, 'model', i, { timeout: CALL_TIMEOUT_MS }).catch(() => {})
    }
    expect(a1.crossCluster.remote(ai)?.get(killed.app)?.latency.known, 'the child gateway carried calls').to.equal(true)

    const calls: Call[] = []
    const load = { running: true }
    const caller = async (): Promise<void> => {
      while (load.running) {
        const call: Call = { started: Date.now(), ended: 0, ok: false }
        try {
          await a1.callCluster(ai, 'model', { at: call.started }, { timeout: CALL_TIMEOUT_MS })
          call.ok = true
        } catch (err: any) {
          call.error = err.name
        }
        call.ended = Date.now()
        calls.push(call)
      }
    }
    const callers = Array.from({ length: CALLERS }, caller)
    await new Promise(resolve => setTimeout(resolve, 300))
    const killedAt = Date.now()
    await child.stop('SIGKILL', 5000)
    await eventually(() => a1.membership.get(killed.app)?.status === 'dead' || a1.membership.get(killed.app) == null, 'a1 declares the killed gateway dead', 10_000)
    const detectedMs = Date.now() - killedAt
    await new Promise(resolve => setTimeout(resolve, Math.max(0, killedAt + 2 * DETECTION_MS + 300 - Date.now())))
    load.running = false
    await Promise.all(callers)

    const failed = calls.filter(call => !call.ok)
    const report = `detected in ${detectedMs} ms; ${calls.length} calls, failed: ${JSON.stringify(failed.map(c => ({ ...c, started: c.started - killedAt, ended: c.ended - killedAt })))}`
    expect(failed.filter(call => !NAMED.includes(call.error ?? '')), report).to.deep.equal([])
    expect(failed.filter(call => call.ended - call.started > CALL_TIMEOUT_MS + 100), `no call held past its timeout; ${report}`).to.deep.equal([])
    const recovered = Math.max(0, ...failed.map(call => call.ended - killedAt))
    expect(recovered, `the last failure, ms after the kill; ${report}`).to.be.below(2 * DETECTION_MS)
    expect(calls.filter(call => call.ok && call.started > killedAt + 2 * DETECTION_MS).length, `calls answered after the bound; ${report}`).to.be.above(0)
    expect(a1.info().remoteClusters).to.deep.equal([{ name: ai, gateways: 1, reachable: true }])
  })
})
