// The bodies of the '$debug' endpoint: a request for a node's debug snapshot, and the snapshot, both checked on arrival.
import { z } from 'zod'
import { RECORDED_EVENTS } from '../events/index.ts'
import { InvalidDebugAnswerError, InvalidDebugRequestError } from './errors.ts'
import type { NodeDebugInfo } from './index.ts'

/** The system endpoint every node answers debugCluster() at. */
export const DEBUG_SERVICE = '$debug'
export const MAX_ACTORS_LISTED = 1000
export const MAX_EVENTS_LISTED = 200
/** A node with more connections than this lists the first ones only. */
export const MAX_LINKS_LISTED = 1024
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

const count = (max = Number.MAX_SAFE_INTEGER): z.ZodNumber => z.number().int().min(0).max(max)
const id = z.string().min(1).max(MAX_ID)

const requestSchema = z.object({ a: count(MAX_ACTORS_LISTED), e: count(MAX_EVENTS_LISTED) })

/** Checks a request received from a member; throws InvalidDebugRequestError naming what was wrong. */
export function readDebugRequest (body: unknown): DebugRequest {
  const parsed = requestSchema.safeParse(body)
  if (!parsed.success) { throw new InvalidDebugRequestError(issueText(parsed.error)) }
  return { maxActors: parsed.data.a, maxEvents: parsed.data.e }
}

function answerSchema (request: DebugRequest): z.ZodType<DebugAnswer> {
  const actor = z.object({
    id,
    name: id.optional(),
    type: z.string().max(MAX_ID),
    mailbox: count(),
    distributed: z.boolean().optional(),
    supervised: z.boolean().optional()
  })
  const link = z.object({
    peer: id,
    name: id.optional(),
    direction: z.enum(['inbound', 'outbound']),
    streams: z.record(z.string().max(MAX_ID), count()).refine(s => Object.keys(s).length <= MAX_PROTOCOLS, `at most ${MAX_PROTOCOLS} protocols`),
    rtt: z.number().min(0).optional()
  })
  const event = z.object({
    seq: count(),
    time: count(),
    type: z.enum(RECORDED_EVENTS),
    detail: z.string().max(MAX_DETAIL),
    node: id.optional()
  })
  return z.object({
    id,
    name: z.string().max(MAX_ID),
    actorCount: count(),
    actors: z.array(actor).max(request.maxActors),
    actorsOmitted: count(),
    links: z.array(link).max(MAX_LINKS_LISTED),
    messageRate: z.number().min(0),
    messages: z.object({ in: count(), out: count() }),
    events: z.array(event).max(request.maxEvents),
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
function issueText (error: z.ZodError): string {
  const issue = error.issues[0]
  const path = issue.path.length > 0 ? issue.path.join('.') : 'the body'
  return `${path}: ${issue.message}`
}
