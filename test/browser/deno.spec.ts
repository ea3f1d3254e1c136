// The browser entry on Deno: a Deno process (the Deno the devDependencies install) runs a member over WebSockets
// beside two Node members, calls and is called, hears a publication, and leaves gracefully.
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile, copyFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { expect } from 'aegir/chai'
import { bundleBrowserEntry } from '../../benchmarks/lib/browser-page.ts'
import { isExecutable } from '../fixtures/executables.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import { repoRoot } from '../fixtures/script-process.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'

const LISTEN = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws']

class Greeter {
  receive (message: { who: string }): string { return `node greets ${message.who}` }
}

/** node_modules/.bin/deno: the deno devDependency. Missing is a failure with the command that installs it. */
function findDeno (): string {
  const deno = join(repoRoot(), 'node_modules', '.bin', 'deno')
  if (!isExecutable(deno)) { throw new Error(`no ${deno}: run npm ci, which installs the deno devDependency`) }
  return deno
}

describe('a Deno member', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()
  let dir: string
  let deno: ChildProcessWithoutNullStreams | undefined

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'foundation-deno-'))
    await writeFile(join(dir, 'foundation.js'), (await bundleBrowserEntry()).code)
    await copyFile(join(repoRoot(), 'test', 'browser', 'deno-member.ts'), join(dir, 'member.ts'))
  })

  after(async () => {
    if (deno?.exitCode == null) { deno?.kill('SIGKILL') }
    await nodes.stopAll()
    await rm(dir, { recursive: true, force: true })
  })

  it('joins Node members over WebSockets, calls and is called by name, hears a publication, and leaves gracefully', async () => {
    const clusterName = uniqueCluster('deno')
    const members: FoundationNode[] = await nodes.startMany(2, { clusterName, listen: LISTEN, discovery: { mdns: false } })
    await members[1].connect(members[0].addresses())
    await formed(members)
    for (const member of members) { member.define(Greeter) }
    await members[0].spawn(Greeter, { name: 'greeter' })
    const bootstrap = members[0].addresses().find(address => address.includes('/ws/'))
    if (bootstrap == null) { throw new Error('no WebSockets address') }

    const child = deno = spawn(findDeno(), ['run', '--allow-net=127.0.0.1', '--allow-env', 'member.ts', clusterName, bootstrap], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000) })
    const lines: any[] = []
    createInterface({ input: child.stdout }).on('line', (line) => { lines.push(JSON.parse(line)) })
    const exited = new Promise<number | null>(resolve => child.on('exit', resolve))

    await eventually(() => lines.some(l => l.answer != null), () => `the Deno member joins and calls (${JSON.stringify(lines)} ${stderr})`, 20_000)
    const denoId: string = lines.find(l => l.joined != null).joined
    expect(lines.find(l => l.answer != null).answer).to.equal('node greets deno')
    await eventually(() => members.every(m => m.membership.get(denoId)?.status === 'alive'), 'every Node member counts the Deno member alive')
    expect(await members[1].call('deno-greeter', { who: 'node' })).to.equal('deno greets node')

    await eventually(async () => {
      await members[1].pubsub.publish('news', 'for deno')
      child.stdin.write('heard\n')
      await new Promise(resolve => setTimeout(resolve, 200))
      return lines.some(l => Array.isArray(l.heard) && l.heard.includes('for deno'))
    }, 'a publication reaches the Deno member')

    const leaves: string[] = []
    for (const member of members) {
      member.addEventListener('member:leave', (evt) => { if (evt.detail.id === denoId) { leaves.push(evt.detail.status) } })
    }
    child.stdin.write('stop\n')
    expect(await exited, stderr).to.equal(0)
    expect(lines.at(-1)).to.deep.equal({ stopped: true })
    await eventually(() => leaves.length === members.length, () => `every member sees the Deno member leave (${leaves.join(', ')})`)
    expect(leaves).to.deep.equal(['left', 'left'])
  })
})
