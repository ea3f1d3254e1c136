// zod's issues as one ConfigError: the first problem is its field, the others are listed in its message.
import { ConfigError } from './errors.ts'
import { originOf, valueAt } from './layers.ts'
import type { Layers, Path } from './layers.ts'
import type { z } from 'zod'

interface Problem {
  path: Path
  expected: string
  /** a wrong key is reported with its name, not its value */
  key?: string
}

export function configErrorFrom (error: z.ZodError, input: unknown, layers: Layers): ConfigError {
  const problems = error.issues.flatMap(issue => problemsOf(issue, []))
  const [first, ...rest] = problems
  const origin = originOf(layers, first.path)
  const received = first.key ?? valueAt(input, first.path)
  const more = rest.map(p => `"${originOf(layers, p.path).field}": ${p.expected}`)
  return new ConfigError(origin.field, first.expected, received, { note: origin.note, more, cause: error })
}

function problemsOf (issue: z.core.$ZodIssue, base: Path): Problem[] {
  const path = [...base, ...issue.path as Array<string | number>]
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map(key => ({ path: [...path, key], expected: issue.message, key }))
  }
  if (issue.code === 'invalid_key') {
    return [{ path, expected: issue.issues[0]?.message ?? issue.message, key: String(path[path.length - 1]) }]
  }
  if (issue.code === 'invalid_union') {
    // a union of `false` and an object: when only one branch got past the type check, its problems are the real ones
    const matching = issue.errors.filter(branch => !branch.every(i => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value')))
    if (matching.length === 1) { return matching[0].flatMap(i => problemsOf(i, path)) }
  }
  return [{ path, expected: issue.message }]
}
