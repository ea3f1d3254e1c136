// The soak benchmark's child in its short mode: the same load as the 30-minute run for 12 seconds (with spawns at
// twice the rate, so that as many actors are stopped as kept), which CI can afford. It checks the load itself (nothing lost but what a leaving node had in flight, a node left and one joined)
// and that memory was sampled; whether the heap stays flat is the long run's figure (benchmarks/suites/soak.ts).
import { spawn } from 'node:child_process'
import { expect } from 'aegir/chai'

async function runSoak (env: Record<string, string>): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, ['--expose-gc', 'benchmarks/soak/soak-run.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000) })
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  return { code, stdout, stderr }
}

describe('benchmark soak, short mode', function () {
  this.timeout(120_000)

  it('runs every kind of load for 12 seconds, loses nothing a live node sent, and samples memory', async () => {
    const { code, stdout, stderr } = await runSoak({ SOAK_MINUTES: String(12 / 60), SOAK_SAMPLE_MS: '2500', SOAK_CHURN_MS: '5000', SOAK_SPAWNS: '10' })
    expect(code, stderr).to.equal(0)
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')
    const { counts, samples } = result
    expect(samples.length, 'samples').to.be.at.least(4)
    for (const sample of samples) {
      expect(sample.heapMB).to.be.above(0)
      expect(sample.rssMB).to.be.above(sample.heapMB)
    }
    expect(counts.joins, 'joins').to.be.at.least(2)
    expect(counts.leaves, 'leaves').to.equal(counts.joins)
    // up to 10 named (each waits for the last) and 1 distributed actor a second; past the 50 kept alive, each spawn
    // stops the oldest
    expect(counts.spawned).to.be.above(60)
    expect(counts.stopped).to.be.above(10)
    expect(counts.distributedSpawned).to.be.above(8)
    // only what a node that was leaving had sent or called, or was yet to deliver, may be missing
    const failed = Object.entries(counts.callErrors as Record<string, number>)
    expect(failed.filter(([name]) => name !== 'NodeDownError'), 'call errors other than a leaving node\'s').to.deep.equal([])
    expect(counts.answered + (counts.callErrors.NodeDownError ?? 0)).to.equal(counts.calls)
    expect(counts.answered / counts.calls).to.be.above(0.99)
    expect(counts.received / counts.sent).to.be.above(0.99)
    expect(counts.delivered / (counts.published * 4)).to.be.above(0.95)
  })
})
