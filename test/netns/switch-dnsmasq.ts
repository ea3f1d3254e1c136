// A real dnsmasq inside the switch namespace, on port 53 of the bridge address, serving A records to every host.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SECOND } from '../../src/config/units.ts'
import { DNSMASQ_ZONE, DnsmasqNotInstalledError } from '../fixtures/dnsmasq.ts'
import type { NetnsNetwork } from '../fixtures/netns.ts'

export { DNSMASQ_ZONE }

/** ms dnsmasq may take to read its hosts file */
const READY_TIMEOUT = 5 * SECOND
/** ms a SIGTERM may take before SIGKILL */
const EXIT_TIMEOUT = 2 * SECOND
const DNS_PORT = 53

export interface SwitchDnsmasq {
  /** `ip:port` for the hosts' resolvers */
  server: string
  /** ends the process (by its pid) and removes its files; safe to call twice */
  stop(): Promise<void>
}

/** Starts dnsmasq answering for `hosts` (name → IPv4 addresses) and waits until it has read them. */
export async function startSwitchDnsmasq (network: NetnsNetwork, hosts: Record<string, string[]>): Promise<SwitchDnsmasq> {
  const binary = await findDnsmasq()
  const dir = await mkdtemp(join(tmpdir(), 'foundation-netns-dnsmasq-'))
  const hostsFile = join(dir, 'hosts')
  await writeFile(hostsFile, Object.entries(hosts).flatMap(([name, ips]) => ips.map(ip => `${ip} ${name}\n`)).join(''))
  await writeFile(join(dir, 'dnsmasq.conf'), [
    `port=${DNS_PORT}`,
    `listen-address=${network.switchIp}`,
    'bind-interfaces',
    'no-resolv',
    'no-hosts',
    // answers NXDOMAIN for the rest of the zone instead of forwarding: there is nowhere to forward to
    `local=/${DNSMASQ_ZONE}/`,
    `addn-hosts=${hostsFile}`,
    'pid-file=',
    'log-facility=-',
    // as root dnsmasq would become nobody, who may not read the hosts file in our temporary folder
    'user=root'
  ].join('\n') + '\n')

  const child = spawn('ip', ['netns', 'exec', network.switchNamespace, binary, '--keep-in-foreground', `--conf-file=${join(dir, 'dnsmasq.conf')}`], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = once(child, 'exit')
  let output = ''
  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) { return }
    stopped = true
    if (child.exitCode == null && child.signalCode == null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => { child.kill('SIGKILL') }, EXIT_TIMEOUT)
      await exited
      clearTimeout(timer)
    }
    await rm(dir, { recursive: true, force: true })
  }

  try {
    // dnsmasq binds its sockets before it reads the hosts file, so this line means it answers
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`dnsmasq did not read its hosts within ${READY_TIMEOUT} ms: ${output.trim()}`)) }, READY_TIMEOUT)
      const collect = (data: Buffer): void => {
        output = (output + data.toString()).slice(-4000)
        if (output.includes(`read ${hostsFile}`)) {
          clearTimeout(timer)
          resolve()
        }
      }
      child.stdout.on('data', collect)
      child.stderr.on('data', collect)
      exited.then(() => {
        clearTimeout(timer)
        reject(new Error(`dnsmasq exited (${child.exitCode ?? child.signalCode}): ${output.trim()}`))
      }, reject)
    })
  } catch (err) {
    await stop()
    throw err
  }
  return { server: `${network.switchIp}:${DNS_PORT}`, stop }
}

async function findDnsmasq (): Promise<string> {
  for (const dir of ['/usr/sbin', '/usr/local/sbin', '/sbin', '/usr/bin']) {
    const candidate = join(dir, 'dnsmasq')
    try {
      await access(candidate, constants.X_OK)
      return candidate
    } catch {
      // not in this folder
    }
  }
  throw new DnsmasqNotInstalledError()
}
