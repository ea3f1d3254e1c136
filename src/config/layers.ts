// The sources of options merged in precedence order (file < code < environment), and, for any path, which source
// its value came from, so an error names the place to fix: the field, the file, or the variable.
import type { EnvLayer } from './env.ts'
import type { FileLayer } from './file.ts'

export type Path = ReadonlyArray<string | number>

export interface Layers {
  file?: FileLayer
  code: Record<string, unknown>
  env: EnvLayer
}

/** Where a value came from: the field to name in an error, and a note on its source. */
export interface Origin {
  field: string
  note?: string
}

/** `discovery.static.peers[2]` */
export function formatPath (path: Path): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') { out += `[${key}]` } else { out += out === '' ? key : `.${key}` }
  }
  return out
}

export function isPlainObject (value: unknown): value is Record<string, unknown> {
  return value != null && typeof value === 'object' && !Array.isArray(value)
}

/** Objects merge key by key; anything else from the higher source replaces the lower; undefined never does. */
export function merge (lower: unknown, higher: unknown): unknown {
  if (higher === undefined) { return lower }
  if (isPlainObject(higher)) {
    const base = isPlainObject(lower) ? lower : {}
    const out: Record<string, unknown> = { ...base }
    for (const [key, value] of Object.entries(higher)) {
      const merged = merge(base[key], value)
      if (merged !== undefined) { out[key] = merged }
    }
    return out
  }
  return higher
}

/**
 * Each strategy's shorthand as an object, so settings from several sources merge: `dns: 'name'` is
 * `{ name }`, `static: [...]` is `{ peers }`, `true` is `{}`. Anything else is left for the schema to reject.
 */
export function expandShorthands (init: unknown): unknown {
  if (!isPlainObject(init) || !isPlainObject(init.discovery)) { return init }
  const discovery: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(init.discovery)) {
    if (value === true) {
      discovery[name] = {}
    } else if (name === 'dns' && typeof value === 'string') {
      discovery[name] = { name: value }
    } else if (name === 'static' && Array.isArray(value)) {
      discovery[name] = { peers: value }
    } else {
      discovery[name] = value
    }
  }
  return { ...init, discovery }
}

/** The options of every source in one object; a key set to undefined counts as not set. */
export function mergeLayers (layers: Layers): Record<string, unknown> {
  return [layers.file?.value, layers.code, layers.env.value].map(expandShorthands).reduce<Record<string, unknown>>(
    (out, layer) => merge(out, layer) as Record<string, unknown>, {})
}

/** The source that set the value at `path` of the merged options. */
export function originOf (layers: Layers, path: Path): Origin {
  const sources = [
    { name: 'env', value: layers.env.value },
    { name: 'code', value: expandShorthands(layers.code) },
    { name: 'file', value: expandShorthands(layers.file?.value) }
  ]
  let owner = 'code'
  for (let depth = 1; depth <= path.length; depth++) {
    const prefix = path.slice(0, depth)
    const top = sources.find(source => valueAt(source.value, prefix) !== undefined)
    if (top == null) { break }
    owner = top.name
    if (!isPlainObject(valueAt(top.value, prefix))) { break }
  }
  const field = formatPath(path)
  if (owner === 'env') {
    for (let depth = path.length; depth > 0; depth--) {
      const variable = layers.env.variables.get(path.slice(0, depth).join('.'))
      if (variable != null) { return { field: variable, note: `sets ${field}` } }
    }
    return { field, note: 'from the environment' }
  }
  if (owner === 'file' && layers.file != null) { return { field, note: `in ${layers.file.path}` } }
  return { field }
}

export function valueAt (value: unknown, path: Path): unknown {
  let node = value
  for (const key of path) {
    if (node == null || typeof node !== 'object') { return undefined }
    node = (node as Record<string | number, unknown>)[key]
  }
  return node
}
