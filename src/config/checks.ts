// Small zod building blocks whose every failure says, in words, what the field accepts.
import { isIP } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { z } from 'zod'

/** A strict object: an unknown key is an error listing the known ones. */
export function strict<Shape extends z.ZodRawShape> (shape: Shape, what = 'an object'): z.ZodObject<Shape, z.core.$strict> {
  const known = Object.keys(shape).join(', ')
  return z.strictObject(shape, {
    error: (issue) => issue.code === 'unrecognized_keys' ? `one of the known options (${known})` : what
  })
}

export function integer (min: number, max: number, what = `an integer from ${min} to ${max}`): z.ZodNumber {
  const error = what
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error })
}

/** Durations are milliseconds, from 1 ms to one hour. */
export const duration = integer(1, 3_600_000, 'a duration in ms from 1 to 3600000')

export const port = integer(1, 65535, 'a TCP port from 1 to 65535')

export function text (what = 'a non-empty string'): z.ZodString {
  return z.string({ error: what }).min(1, { error: what })
}

export function list<T extends z.ZodType> (item: T, what = 'an array'): z.ZodArray<T> {
  return z.array(item, { error: what })
}

export function oneOf<const Values extends readonly [string, ...string[]]> (values: Values): z.ZodEnum<{ [K in Values[number]]: K }> {
  return z.enum(values, { error: `one of ${values.map(v => JSON.stringify(v)).join(', ')}` })
}

export function boolean (what = 'true or false'): z.ZodBoolean {
  return z.boolean({ error: what })
}

/** A string the given test accepts, or an error saying `what`. */
export function textWhere (test: (value: string) => boolean, what: string): z.ZodType<string> {
  return z.string({ error: what }).refine(test, { error: what })
}

export const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,62})(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,62}))*\.?$/

export function isHostname (value: string): boolean {
  return HOSTNAME.test(value)
}

export function isHttpUrl (value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
  } catch {
    return false
  }
}

export const httpUrl = textWhere(isHttpUrl, 'an http:// or https:// URL')

/** A URL, or `host` / `host:port` to which a scheme is added, as the Consul and Google tools accept. */
export function isHostOrUrl (value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? isHttpUrl(value) : isHttpUrl(`http://${value}`) && !/[/?#@]/.test(value)
}

export const hostOrUrl = textWhere(isHostOrUrl, 'host, host:port or an http(s) URL')

export function isMultiaddrText (value: string): boolean {
  try {
    multiaddr(value)
    return true
  } catch {
    return false
  }
}

/** `ip`, `ip:port` or `[ipv6]:port`, as DNS servers are written. */
export function isServerAddress (value: string): boolean {
  if (isIP(value) !== 0) { return true }
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(value)
  if (match == null) { return false }
  const n = Number(match[2])
  return isIP(match[1]) !== 0 && n >= 1 && n <= 65535
}
