// The printable view of a configuration: every secret (the cluster secret, tokens, passwords) shown as '(hidden)'.
import { HIDDEN, isSecretField } from './errors.ts'
import type { FoundationConfig } from './index.ts'

const INSPECT = Symbol.for('nodejs.util.inspect.custom')

/** A deep copy of the configuration with every secret replaced by '(hidden)': what info() and logs show. */
export function redactedConfig (config: FoundationConfig): FoundationConfig {
  return redact(config) as FoundationConfig
}

function redact (value: unknown): unknown {
  if (Array.isArray(value)) { return value.map(redact) }
  if (value == null || typeof value !== 'object') { return value }
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSecretField(key) && item !== undefined ? HIDDEN : redact(item)
  }
  return out
}

/**
 * Makes every object that holds a secret print redacted, through JSON.stringify and util.inspect (console.log,
 * a debugger), so a configuration logged by mistake shows no secret. The values stay readable by the code.
 */
export function hideSecrets<T> (value: T): T {
  if (Array.isArray(value)) {
    value.forEach(hideSecrets)
  } else if (value != null && typeof value === 'object') {
    let holdsSecret = false
    for (const [key, item] of Object.entries(value)) {
      if (isSecretField(key) && item !== undefined) { holdsSecret = true } else { hideSecrets(item) }
    }
    if (holdsSecret) {
      Object.defineProperty(value, 'toJSON', { value: function (this: unknown) { return redact(this) }, enumerable: false })
      Object.defineProperty(value, INSPECT, {
        value: function (this: unknown, depth: number, options: object, inspect: (value: unknown, options: object) => string) {
          return inspect(redact(this), options)
        },
        enumerable: false
      })
    }
  }
  return value
}
