// Errors raised while reading a Foundation configuration. None ever carries a secret's value.

/** Names whose values are secrets: they are never echoed in a message or shown by inspect. */
const SECRET_NAME = /secret|token|password|passphrase/i

/** Whether a field (`secret`, `discovery.consul.token`, `FOUNDATION_SECRET_FILE`) holds a secret. */
export function isSecretField (field: string): boolean {
  return SECRET_NAME.test(field)
}

export const HIDDEN = '(hidden)'

export interface ConfigErrorOptions extends ErrorOptions {
  /** where the value came from or what went wrong, shown after the field: `in /etc/foundation.json` */
  note?: string
  /** the other problems of the same pass, each as `field: expected` */
  more?: string[]
}

/** A configuration value has the wrong type or range; `field` is its dotted path, or the environment variable. */
export class ConfigError extends Error {
  static readonly name: string = 'ConfigError'
  readonly field: string
  readonly expected: string
  readonly received: unknown

  constructor (field: string, expected: string, received: unknown, options: ConfigErrorOptions = {}) {
    const shown = isSecretField(field) && received !== undefined ? HIDDEN : received
    const note = options.note != null ? ` (${options.note})` : ''
    const more = options.more != null && options.more.length > 0 ? `; also ${options.more.join('; ')}` : ''
    super(`invalid config "${field}"${note}: expected ${expected}, received ${describe(shown)}${more}`, { cause: options.cause })
    this.name = 'ConfigError'
    this.field = field
    this.expected = expected
    this.received = shown
  }
}

/**
 * The production and enterprise profiles refuse to start a node that any stranger on the network could join.
 */
export class MissingSecretError extends ConfigError {
  static readonly name = 'MissingSecretError'

  constructor (profile: string) {
    super('secret', 'a cluster secret', undefined)
    this.name = 'MissingSecretError'
    this.message = `the ${profile} profile requires a cluster secret, the same on every node, so only your nodes can ` +
      'join. Make one with Foundation.generateSecret(), for example ' +
      '`node --input-type=module -e "import { Foundation } from \'foundation-mesh\'; process.stdout.write(Foundation.generateSecret())"`, ' +
      'and pass it as FOUNDATION_SECRET or the `secret` option, or point FOUNDATION_SECRET_FILE at a swarm.key file ' +
      '(or use profile \'development\' on a trusted machine)'
  }
}

function describe (value: unknown): string {
  if (value === undefined) { return 'nothing' }
  if (value === null) { return 'null' }
  if (Array.isArray(value)) { return `an array of ${value.length}` }
  if (value === HIDDEN) { return HIDDEN }
  if (typeof value === 'string') { return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value) }
  if (typeof value === 'object') { return 'an object' }
  return `${typeof value} ${String(value)}`
}
