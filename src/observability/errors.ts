// Errors of the node's HTTP endpoint.

/** The configured http.port is taken by another process (a default port that is taken falls back to a free one). */
export class HttpPortInUseError extends Error {
  static readonly name = 'HttpPortInUseError'
  readonly host: string
  readonly port: number

  constructor (host: string, port: number) {
    super(`http.port ${port} on ${host} is already in use: choose another port, 0 for any free one, or set http.enabled to false`)
    this.name = 'HttpPortInUseError'
    this.host = host
    this.port = port
  }
}

/** http.enabled on a platform that cannot listen, such as a browser tab. */
export class HttpUnavailableError extends Error {
  static readonly name = 'HttpUnavailableError'

  constructor () {
    super('http.enabled is set, but this platform cannot serve HTTP: set http.enabled to false')
    this.name = 'HttpUnavailableError'
  }
}
