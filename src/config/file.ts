// The config file: a JSON object with the same options as Foundation.start(), read once at start.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { ConfigError } from './errors.ts'

export interface FileLayer {
  /** absolute path, as every error names it */
  path: string
  value: Record<string, unknown>
}

/**
 * Reads and parses the file. `field` is what named it (`configFile` or `FOUNDATION_CONFIG`), so a missing file
 * is reported against the place to fix.
 */
export function readConfigFile (file: string, field: string): FileLayer {
  const path = resolve(file)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err: any) {
    throw new ConfigError(field, 'a readable JSON file of options', file, { note: `cannot read ${path}: ${String(err.code ?? err.message)}`, cause: err })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err: any) {
    // the parser quotes the text around the mistake, and that text may hold the secret: keep only where it is
    const at = /(at position \d+(?: \(line \d+ column \d+\))?)/.exec(String(err.message))?.[1]
    const where = at != null ? ` ${at}` : ''
    throw new ConfigError(field, 'a JSON object of options', file, { note: `${path} is not valid JSON${where}`, cause: new SyntaxError(`invalid JSON${where}`) })
  }
  if (value == null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(field, 'a JSON object of options', file, { note: `${path} holds ${Array.isArray(value) ? 'an array' : String(value === null ? 'null' : typeof value)}` })
  }
  if ('configFile' in value) {
    throw new ConfigError('configFile', 'no configFile inside a config file (files do not include others)', (value as any).configFile, { note: `in ${path}` })
  }
  return { path, value: value as Record<string, unknown> }
}
