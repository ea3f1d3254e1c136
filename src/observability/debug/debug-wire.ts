// The bodies of the '$debug' endpoint: a request for a node's debug snapshot, and the snapshot, both checked on arrival.
// zod/mini rather than zod: the same checks, in a fraction of the size a browser bundle would carry
import * as z from 'zod/mini'
import { RECORDED_EVENTS } from '../events/index.ts'
import { InvalidDebugAnswerError, InvalidDebugRequestError } from './errors.ts'
import type { NodeDebugInfo } from './index.ts'
import type { JobState } from '../../compute/index.ts'

/** The system endpoint every node answers debugCluster() at. */
export const DEBUG_SERVICE = '$debug'
export const MAX_ACTORS_LISTED = 1000
export const MAX_EVENTS_LISTED = 200
/** A node with more connections than this lists the first ones only. */
export const MAX_LINKS_LISTED = 1024
/** A node that opened more caches than this lists the first ones only. */
export const MAX_CACHES_LISTED = 256
/** A node coordinating more map-reduce jobs than this lists the first ones only. */
export const MAX_JOBS_LISTED = 64
/** every state a job reports (JobState), for the answer's check */
const JOB_STATES = ['running', 'done', 'failed', 'cancelled'] as const satisfies readonly JobState[]
const MAX_PROTOCOLS = 256
const MAX_ID = 256
const MAX_DETAIL = 4096

/** What one node asks another for. */
export interface DebugRequest {
  maxActors: number
  maxEvents: number
}

/** A node's answer: its snapshot, the status being the asker's to fill in. */
export type DebugAnswer = Omit<NodeDebugInfo, 'status'>

export function debugRequest (request: DebugRequest): unknown {
  return { a: request.maxActors, e: request.maxEvents }
}

// every check says what it wanted: zod/mini carries no messages of its own
function count (max = Number.MAX_SAFE_INTEGER): z.ZodMiniNumber<number> {
  const error = `a whole number from 0 to ${max}`
  return z.int({ error }).check(z.minimum(0, { error }), z.maximum(max, { error }))
}
function text (max: number, min = 0): z.ZodMiniString<string> {
  const error = `a string of ${min} to ${max} characters`
  return z.string({ error }).check(z.minLength(min, { error }), z.maxLength(max, { error }))
}
const id = text(MAX_ID, 1)
const flag = z.optional(z.boolean({ error: 'true or false' }))
const list = <T extends z.ZodMiniType>(item: T, max: number): z.ZodMiniArray<T> => z.array(item, { error: 'an array' }).check(z.maxLength(max, { error: `at most ${max} entries` }))

const requestSchema = z.object({ a: count(MAX_ACTORS_LISTED), e: count(MAX_EVENTS_LISTED) })

/** Checks a request received from a member; throws InvalidDebugRequestError naming what was wrong. */
export function readDebugRequest (body: unknown): DebugRequest {
  const parsed = requestSchema.safeParse(body)
  if (!parsed.success) { throw new InvalidDebugRequestError(issueText(parsed.error)) }
  return { maxActors: parsed.data.a, maxEvents: parsed.data.e }
}

function answerSchema (request: DebugRequest): z.ZodMiniType<DebugAnswer> {
  const actor = z.object({
    id,
    name: z.optional(id),
    type: text(MAX_ID),
    mailbox: count(),
    distributed: flag,
    supervised: flag
  })
  const link = z.object({
    peer: id,
    name: z.optional(id),
    direction: z.enum(['inbound', 'outbound'], { error: '"inbound" or "outbound"' }),
    streams: z.record(text(MAX_ID), count(), { error: 'an object of stream counts' }).check(z.refine(s => Object.keys(s).length <= MAX_PROTOCOLS, `at most ${MAX_PROTOCOLS} protocols`)),
    rtt: z.optional(z.number({ error: 'a number of ms' }).check(z.minimum(0, { error: 'a number of ms' })))
  })
  const cache = z.object({
    name: id,
    hits: count(),
    misses: count(),
    writes: count(),
    deletes: count(),
    evictions: count(),
    expirations: count(),
    moves: count(),
    entries: count(),
    bytes: count(),
    rebalancing: count()
  })
  const job = z.object({
    job: id,
    task: id,
    state: z.enum(JOB_STATES, { error: '"running", "done", "failed" or "cancelled"' }),
    done: count(),
    inFlight: count(),
    retried: count(),
    items: count(),
    workers: count(),
    sourceEnded: z.boolean({ error: 'true or false' })
  })
  const event = z.object({
    seq: count(),
    time: count(),
    type: z.enum(RECORDED_EVENTS, { error: 'a recorded event type' }),
    detail: text(MAX_DETAIL),
    node: z.optional(id)
  })
  return z.object({
    id,
    name: text(MAX_ID),
    actorCount: count(),
    actors: list(actor, request.maxActors),
    actorsOmitted: count(),
    links: list(link, MAX_LINKS_LISTED),
    messageRate: z.number({ error: 'a rate of at least 0' }).check(z.minimum(0, { error: 'a rate of at least 0' })),
    messages: z.object({ in: count(), out: count() }),
    // a member of a release before caches answers without them: it opened none, rather than answering nonsense
    caches: z._default(list(cache, MAX_CACHES_LISTED), () => []),
    // nor jobs, from a release before map-reduce: it coordinates none
    jobs: z._default(list(job, MAX_JOBS_LISTED), () => []),
    events: list(event, request.maxEvents),
    uptime: count()
  })
}

/** Checks the answer of member `peer` to `request`; throws InvalidDebugAnswerError naming what was wrong. */
export function readDebugAnswer (body: unknown, peer: string, request: DebugRequest): DebugAnswer {
  const parsed = answerSchema(request).safeParse(body)
  if (!parsed.success) { throw new InvalidDebugAnswerError(peer, issueText(parsed.error)) }
  if (parsed.data.id !== peer) { throw new InvalidDebugAnswerError(peer, `it answered as ${parsed.data.id}`) }
  return parsed.data
}

/** The first issue, with where it was: enough to see what the sender got wrong. */
function issueText (error: { issues: ReadonlyArray<{ path: PropertyKey[], message: string }> }): string {
  const issue = error.issues[0]
  const path = issue.path.length > 0 ? issue.path.join('.') : 'the body'
  return `${path}: ${issue.message}`
}
