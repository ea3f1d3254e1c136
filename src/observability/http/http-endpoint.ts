// The node's HTTP endpoint: one server, a table of GET routes, and a clear answer for anything else. An endpoint can
// also serve others under a path of theirs (a federation serves each cluster's node under /clusters/<name>): a
// mounted one answers what is forwarded to it and listens on no port of its own.
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
  /** served through another endpoint's mount (see mount): it never listens itself */
  mounted?: boolean
}

export interface HttpEndpointComponents {
  log: Logger
}

export class HttpEndpoint {
  private readonly components: HttpEndpointComponents
  private readonly init: HttpEndpointInit
  private readonly routes = new Map<string, RouteHandler>()
  /** endpoints served under a path prefix of this one's, such as '/clusters/app' */
  private readonly mounts = new Map<string, HttpEndpoint>()
  private readonly server: Server
  private listening: AddressInfo | undefined
  /** where a mounted endpoint is served: the endpoint that forwards to it, and the prefix */
  private mountedAt: { parent: HttpEndpoint, prefix: string } | undefined

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

  /**
   * Serves `endpoint`'s routes under `prefix` (no trailing slash): a request for `${prefix}/metrics` is answered by its
   * /metrics; `${prefix}` itself redirects to `${prefix}/`, so that a page's relative links stay under the prefix.
   */
  mount (prefix: string, endpoint: HttpEndpoint): void {
    if (this.mounts.has(prefix) || this.routes.has(prefix)) { throw new Error(`HTTP path ${prefix} is already taken`) }
    this.mounts.set(prefix, endpoint)
    endpoint.mountedAt = { parent: this, prefix }
  }

  /** `http://host:port` once started (with its prefix for a mounted endpoint), else undefined. */
  get url (): string | undefined {
    if (this.mountedAt != null) {
      const base = this.mountedAt.parent.url
      return base == null ? undefined : `${base}${this.mountedAt.prefix}`
    }
    if (this.listening == null) { return undefined }
    const host = this.listening.family === 'IPv6' ? `[${this.listening.address}]` : this.listening.address
    return `http://${host}:${this.listening.port}`
  }

  async start (): Promise<void> {
    if (this.listening != null || this.init.mounted === true) { return }
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

  private mountOf (path: string): [string, HttpEndpoint] | undefined {
    for (const mounted of this.mounts) {
      if (path === mounted[0] || path.startsWith(`${mounted[0]}/`)) { return mounted }
    }
    return undefined
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
    this.serve(request, response, new URL(request.url ?? '/', 'http://localhost'))
  }

  /** Answers `url` (its path relative to this endpoint): a route of its own, or one of an endpoint mounted on it. */
  private serve (request: IncomingMessage, response: ServerResponse, url: URL): void {
    const mounted = this.mountOf(url.pathname)
    if (mounted != null) {
      const [prefix, endpoint] = mounted
      if (url.pathname === prefix) {
        response.setHeader('location', `${prefix}/${url.search}`)
        sendJson(response, 301, { moved: `${prefix}/` })
        return
      }
      const inner = new URL(url)
      inner.pathname = url.pathname.slice(prefix.length)
      endpoint.serve(request, response, inner)
      return
    }
    const handler = this.routes.get(url.pathname)
    if (handler == null) {
      sendJson(response, 404, { error: 'not found', path: url.pathname, paths: [...this.routes.keys(), ...[...this.mounts.keys()].map(prefix => `${prefix}/`)].sort() })
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
