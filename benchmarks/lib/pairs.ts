// The two ends of a raw baseline on 127.0.0.1: a TCP connection, or one libp2p stream between two bare nodes.
import { once } from 'node:events'
import net from 'node:net'
import { bareNode, stopAll } from './libp2p.ts'
import type { Stream } from '@libp2p/interface'

export interface TcpPair {
  client: net.Socket
  close(): Promise<void>
}

/** A listening server and one connected client; `onServerSocket` sets up the server's end. */
export async function tcpPair (onServerSocket: (socket: net.Socket) => void, options: { noDelay?: boolean } = {}): Promise<TcpPair> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer({ noDelay: options.noDelay }, socket => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
    onServerSocket(socket)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (address == null || typeof address === 'string') { throw new Error('tcp server has no port') }
  const client = net.connect({ port: address.port, host: '127.0.0.1', noDelay: options.noDelay })
  await once(client, 'connect')
  return {
    client,
    async close () {
      client.destroy()
      for (const s of sockets) { s.destroy() }
      await new Promise<void>(resolve => server.close(() => { resolve() }))
    }
  }
}

export interface StreamPair {
  /** the dialling node's end */
  stream: Stream
  close(): Promise<void>
}

/** Two bare libp2p nodes (tcp + noise + yamux) and one stream between them; `onServerStream` sets up the far end. */
export async function libp2pStreamPair (protocol: string, onServerStream: (stream: Stream) => void): Promise<StreamPair> {
  const [client, server] = await Promise.all([bareNode(), bareNode()])
  await server.handle(protocol, stream => { onServerStream(stream) })
  await client.dial(server.getMultiaddrs())
  const stream = await client.dialProtocol(server.peerId, protocol)
  return {
    stream,
    async close () {
      stream.abort(new Error('benchmark over'))
      await stopAll([client, server])
    }
  }
}
