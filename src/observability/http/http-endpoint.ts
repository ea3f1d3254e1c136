// The node's HTTP endpoint: one server, a table of GET routes, and a clear answer for anything else.
import { createServer } from 'node:http'
import { HttpPortInUseError } from '../errors.ts'
import { sendJson } from './responses.ts'
import type { Logger } from '@libp2p/interface'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Answers one request; a throw or rejection becomes a 500 and is logged, never a crash of the node. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => void | Promise<void>

export interface HttpEndpointInit {
  host: string
  port: number
  /** the port was not chosen by the user: when it is taken, serve on any free port instead of failing */
  portIsDefault: boolean
}

export interface HttpEndpointComponents {
  log: Logger
}

export class HttpEndpoint {
  private readonly components: HttpEndpointComponents
  private readonly init: HttpEndpointInit
  private readonly routes = new Map<string, RouteHandler>()
  private readonly server: Server
  private listening: AddressInfo | undefined

  constructor (components: HttpEndpointComponents, init: HttpEndpointInit) {
    this.components = components
    this.init = init
    this.server = createServer((request, response) => { this.answer(request, response) })
  }

  /** Adds a GET route for an exact path, such as '/healthz'. */
  route (path: string, handler: RouteHandler): void {
    if (this.routes.has(path)) { throw new Error(`HTTP route ${path} is already taken`) }
    this.routes.set(path, handler)
  }

  /** `http://host:port` once started, else undefined. */
  get url (): string | undefined {
    if (this.listening == null) { return undefined }
    const host = this.listening.family === 'IPv6' ? `[${this.listening.address}]` : this.listening.address
    return `http://${host}:${this.listening.port}`
  }

  async start (): Promise<void> {
    if (this.listening != null) { return }
    try {
      await this.listen(this.init.port)
    } catch (err: any) {
      if (err?.code !== 'EADDRINUSE') { throw err }
      if (!this.init.portIsDefault) { throw new HttpPortInUseError(this.init.host, this.init.port) }
      // several nodes on one machine: the first gets the well-known port, the others any free one
      await this.listen(0)
      this.components.log('HTTP port %d is taken: serving on %s instead', this.init.port, this.url)
    }
    this.components.log('serving HTTP on %s', this.url)
  }

  async stop (): Promise<void> {
    if (this.listening == null) { return }
    this.listening = undefined
    const closed = new Promise<void>((resolve) => { this.server.close(() => { resolve() }) })
    // open event streams and keep-alive sockets would otherwise hold the close until their clients leave
    this.server.closeAllConnections()
    await closed
  }

  private async listen (port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => { reject(err) }
      this.server.once('error', onError)
      this.server.listen(port, this.init.host, () => {
        this.server.off('error', onError)
        resolve()
      })
    })
    this.listening = this.server.address() as AddressInfo
  }

  private answer (request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://localhost')
    const handler = this.routes.get(url.pathname)
    if (handler == null) {
      sendJson(response, 404, { error: 'not found', path: url.pathname, paths: [...this.routes.keys()].sort() })
      return
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD')
      sendJson(response, 405, { error: `method ${request.method} not allowed`, path: url.pathname })
      return
    }
    Promise.resolve()
      .then(async () => { await handler(request, response, url) })
      .catch((err: Error) => {
        this.components.log.error('HTTP %s failed: %s', url.pathname, err.message)
        if (!response.headersSent) {
          sendJson(response, 500, { error: err.message })
        } else {
          response.destroy()
        }
      })
  }
}
