// scripts/system-packages.sh, which `npm test` runs first: what it does when commands are missing, as root or not,
// with apt-get or without. Each case runs the real script with a PATH of stubs: stub commands stand for the
// installed ones, a stub `id` says who runs it and a stub `apt-get` records its calls (and may "install").
import { execFile } from 'node:child_process'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'aegir/chai'
import { isExecutable } from '../fixtures/executables.ts'
import { repoRoot } from '../fixtures/script-process.ts'

const run = promisify(execFile)

/** The commands the script checks. dnsmasq, ip and iptables are always stubbed: the script also looks in sbin. */
const COMMANDS = ['dnsmasq', 'etcd', 'ip', 'iptables', 'openssl', 'chromium']

/** An absolute path of a command of this machine, for the stubs, which run with a PATH of stubs alone. */
function which (command: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat('/usr/bin', '/bin')) {
    const path = join(dir, command)
    if (dir !== '' && isExecutable(path)) { return path }
  }
  throw new Error(`${command} not found`)
}

interface Machine {
  /** commands present (the others are missing); default all */
  present?: string[]
  uid: number
  /** whether apt-get exists, and whether its install creates the commands asked for */
  aptGet?: 'installs' | 'installs nothing'
}

interface Outcome {
  code: number
  stdout: string
  stderr: string
  /** the apt-get calls, one line of arguments each */
  aptGet: string[]
}

describe('scripts/system-packages.sh', function () {
  this.timeout(20_000)
  const bash = which('bash')
  const script = join(repoRoot(), 'scripts', 'system-packages.sh')
  let dir: string

  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'system-packages-')) })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  async function stub (name: string, body: string): Promise<void> {
    const path = join(dir, name)
    await writeFile(path, `#!${bash}\n${body}\n`)
    await chmod(path, 0o755)
  }

  async function runOn (machine: Machine): Promise<Outcome> {
    const log = join(dir, 'apt-get.log')
    for (const command of machine.present ?? COMMANDS) { await stub(command, 'exit 0') }
    await stub('id', `echo ${machine.uid}`)
    if (machine.aptGet != null) {
      const installs = machine.aptGet === 'installs'
        ? [
            'if [[ "$1" == install ]]; then',
            '  for package in "$@"; do',
            '    case "$package" in etcd-server) command=etcd ;; dnsmasq-base) command=dnsmasq ;; iproute2) command=ip ;; *) command="$package" ;; esac',
            `    printf '#!${bash}\\nexit 0\\n' > "${dir}/$command"`,
            `    ${which('chmod')} 755 "${dir}/$command"`,
            '  done',
            'fi'
          ].join('\n')
        : ''
      await stub('apt-get', `echo "$*" >> "${log}"\n${installs}`)
    }
    const outcome = await run(bash, [script], { env: { PATH: dir } })
      .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
      .catch((err: Error & { code: number, stdout: string, stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }))
    const aptGet = await readFile(log, 'utf8').then(text => text.trim().split('\n'), () => [])
    return { ...outcome, aptGet }
  }

  it('does nothing when every command is there: no apt-get, no output', async () => {
    const outcome = await runOn({ uid: 0, aptGet: 'installs' })
    expect(outcome).to.deep.equal({ code: 0, stdout: '', stderr: '', aptGet: [] })
  })

  it('as root with apt-get, installs the packages of the missing commands after an update', async () => {
    const outcome = await runOn({ present: ['dnsmasq', 'ip', 'iptables', 'openssl'], uid: 0, aptGet: 'installs' })
    expect(outcome.code, outcome.stderr).to.equal(0)
    expect(outcome.aptGet).to.deep.equal(['update', 'install -y --no-install-recommends etcd-server chromium'])
    expect(outcome.stderr).to.include('The tests need etcd, chromium, which this machine lacks: installing etcd-server chromium')
  })

  it('as root, fails when the install leaves a command missing', async () => {
    const outcome = await runOn({ present: ['dnsmasq', 'ip', 'iptables', 'openssl', 'chromium'], uid: 0, aptGet: 'installs nothing' })
    expect(outcome.code).to.equal(1)
    expect(outcome.aptGet).to.deep.equal(['update', 'install -y --no-install-recommends etcd-server'])
    expect(outcome.stderr).to.include('Still missing after apt-get install: etcd.')
  })

  it('not as root, stops with the sudo command to run and touches nothing', async () => {
    const outcome = await runOn({ present: ['dnsmasq', 'ip', 'iptables', 'etcd'], uid: 1000, aptGet: 'installs' })
    expect(outcome.code).to.equal(1)
    expect(outcome.aptGet).to.deep.equal([])
    expect(outcome.stdout).to.equal('')
    expect(outcome.stderr).to.equal('The tests need openssl, chromium, which this machine lacks. Install them, then run the tests again: ' +
      'sudo apt-get install -y --no-install-recommends openssl chromium\n')
  })

  it('without apt-get, even as root, stops naming the commands and the Debian packages', async () => {
    const outcome = await runOn({ present: ['dnsmasq', 'ip', 'iptables', 'openssl', 'chromium'], uid: 0 })
    expect(outcome.code).to.equal(1)
    expect(outcome.stderr).to.equal('The tests need etcd, which this machine lacks. Install the packages that provide them ' +
      '(on Debian: sudo apt-get install -y --no-install-recommends etcd-server), then run the tests again.\n')
  })
})
