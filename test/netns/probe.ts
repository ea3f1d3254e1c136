// Checks one link of a namespace network, run inside a namespace: does TCP connect, does multicast arrive.
//
//   probe.ts listen <own ip> <port>          prints {"ready":true}, then {"tcp":true} / {"multicast":"<text>"} per arrival
//   probe.ts send <own ip> <peer ip> <port>  multicasts one datagram, connects once; prints {"tcp":"ok" | "<error>"}
//
// The listener exits when stdin closes; both exit by themselves after LIFETIME.
import dgram from 'node:dgram'
import net from 'node:net'
import { SECOND } from '../../src/config/units.ts'

/** the mDNS group: what the test really needs to cross the bridge */
const GROUP = '224.0.0.251'
/** ms before a probe gives up by itself, so none outlives a failed test */
const LIFETIME = 10 * SECOND
/** ms a TCP connect may take on a link that works */
const CONNECT_TIMEOUT = SECOND

const [mode, ownIp, a, b] = process.argv.slice(2)
const print = (message: Record<string, unknown>): void => { process.stdout.write(JSON.stringify(message) + '\n') }
setTimeout(() => { process.exit(2) }, LIFETIME).unref()

if (mode === 'listen') {
  const port = Number(a)
  const udp = dgram.createSocket({ type: 'udp4', reuseAddr: true })
  udp.on('message', (data) => { print({ multicast: data.toString() }) })
  await new Promise<void>(resolve => { udp.bind(port, resolve) })
  udp.addMembership(GROUP, ownIp)
  const server = net.createServer((socket) => {
    print({ tcp: true })
    socket.destroy()
  })
  await new Promise<void>(resolve => { server.listen(port, ownIp, resolve) })
  print({ ready: true })
  process.stdin.resume()
  process.stdin.on('end', () => { process.exit(0) })
} else if (mode === 'send') {
  const [peerIp, port] = [a, Number(b)]
  const udp = dgram.createSocket('udp4')
  await new Promise<void>(resolve => { udp.bind(0, ownIp, resolve) })
  udp.setMulticastInterface(ownIp)
  await new Promise<void>(resolve => {
    // an error (EPERM when the host's own OUTPUT chain drops it) is an answer too: the datagram did not go
    udp.send(`from ${ownIp}`, port, GROUP, () => { resolve() })
  })
  udp.close()
  const result = await new Promise<string>(resolve => {
    const socket = net.connect({ host: peerIp, port, timeout: CONNECT_TIMEOUT })
    socket.on('connect', () => { resolve('ok') })
    socket.on('timeout', () => { resolve('timeout') })
    socket.on('error', (err: NodeJS.ErrnoException) => { resolve(err.code ?? err.message) })
  })
  print({ tcp: result })
  process.exit(0)
} else {
  process.stderr.write(`unknown mode "${mode}"\n`)
  process.exit(1)
}
