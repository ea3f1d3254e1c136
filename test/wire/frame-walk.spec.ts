// Every frame type of every network protocol, walked: each field of a well-formed frame removed, or replaced by a
// value of another type, must make the protocol's validator throw its named error. A validator that returned a frame
// carrying the bad field would hand a peer's garbage to the core; one that threw a TypeError would not be counted as a
// malformed frame (and could take down whatever called it). What a protocol accepts by design is declared per frame.
import { inspect, isDeepStrictEqual } from 'node:util'
import { expect } from 'aegir/chai'
import { validateReport } from '../../src/cluster/load-report.ts'
import { validateDistributedEntry } from '../../src/distribution/entry.ts'
import { validateCheckpoints, validateDistMessage, validateStartAnswer } from '../../src/distribution/wire.ts'
import { InvalidGroupMessageError } from '../../src/groups/errors.ts'
import { validateGroupMessage } from '../../src/groups/group-wire.ts'
import { InvalidMessageError } from '../../src/membership/errors.ts'
import { validateMessage, validateNews } from '../../src/membership/swim/messages.ts'
import { validateTreePublication } from '../../src/messaging/pubsub/publication-tree.ts'
import { PUBLICATION_ID_LENGTH } from '../../src/messaging/pubsub/publication.ts'
import { validateEntry } from '../../src/names/name-entry.ts'
import { validateConfirmAnswer, validateFindAnswer, validateNameMessage, validatePage } from '../../src/names/name-wire.ts'
import { validateClientServerMessage } from '../../src/overlay/client-server/messages.ts'
import { validateHyParViewMessage } from '../../src/overlay/hyparview/messages.ts'
import { validatePlumtreeMessage } from '../../src/overlay/plumtree/messages.ts'
import { MalformedFrameError } from '../../src/wire/errors.ts'

/**
 * What goes in a field's place, by label: each is tried where the field holds a value of another type, and the numbers
 * on number fields too (a count is whole, not below 0, and bounded).
 */
const WRONG: Array<[label: string, value: unknown]> = [
  ['null', null],
  ['string', 'a string'],
  ['negative', -1],
  ['fraction', 1.5],
  ['huge', 2 ** 64],
  ['list', []],
  ['map', {}],
  ['bytes', new Uint8Array(2)],
  ['boolean', true]
]

/**
 * What a frame takes besides its sample's own values. Paths name fields by key or index from the frame's root ('' is
 * the root), joined by dots; `*` stands for any one key or index.
 */
interface Declarations {
  /** fields that may be left out, and then are left out of the result; null counts as absent, as msgpack's nil does */
  optional?: string[]
  /** fields whose removal leaves another well-formed frame (a tuple's later fields move up): the result is that one */
  removable?: string[]
  /** fields where anything but the value that means yes is no, and is left out of the result */
  lenient?: string[]
  /** lists: a shorter one is still one, so their items are not removed (each is still replaced) */
  lists?: string[]
  /** values passed through untouched: any other is taken as it is, and nothing inside them is walked */
  opaque?: string[]
  /** wrong values a field takes by design, by their label in WRONG, taken as they are */
  accepts?: Record<string, string[]>
}

interface Walk extends Declarations {
  /** the message type, for the test's name */
  type: string
  sample: unknown
  /** what the validator makes of the sample: the sample itself unless given */
  clean?: unknown
}

interface Protocol {
  validator: string
  validate(value: unknown): unknown
  /** the error its validator documents */
  error: new (...args: any[]) => Error
  walks: Walk[]
}

/** The same declarations, for a value found at `at` in a bigger frame. */
function under (at: string, declarations: Declarations): Declarations {
  const prefix = (path: string): string => path === '' ? at : `${at}.${path}`
  return {
    optional: declarations.optional?.map(prefix),
    removable: declarations.removable?.map(prefix),
    lenient: declarations.lenient?.map(prefix),
    lists: declarations.lists?.map(prefix),
    opaque: declarations.opaque?.map(prefix),
    accepts: Object.fromEntries(Object.entries(declarations.accepts ?? {}).map(([path, labels]) => [prefix(path), labels]))
  }
}

function merge (...all: Declarations[]): Declarations {
  return {
    optional: all.flatMap(d => d.optional ?? []),
    removable: all.flatMap(d => d.removable ?? []),
    lenient: all.flatMap(d => d.lenient ?? []),
    lists: all.flatMap(d => d.lists ?? []),
    opaque: all.flatMap(d => d.opaque ?? []),
    accepts: Object.assign({}, ...all.map(d => d.accepts ?? {}))
  }
}

// --- samples ---------------------------------------------------------------------------------------------------------

const PEER = '12D3KooWGzBfnX1ymYRGs2RBuX5RXJYQZzNmcRFs6KFDQdbBWH7c'
const OTHER = '12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK'
const TIME = 1_700_000_000_000

/** A SWIM member record, with the proof it may carry. */
function member (id: string, status: string): Record<string, unknown> {
  return { id, name: 'node-a', roles: ['web'], addresses: ['/ip4/10.0.0.1/tcp/4001'], status, incarnation: 3, proof: new Uint8Array(64) }
}
const MEMBER: Declarations = { optional: ['proof'], lists: ['roles', 'addresses'] }
const WITNESSES = [{ id: PEER, by: [OTHER], closed: [OTHER] }]
/** news riding on a SWIM message: its updates, and witnesses of its suspect records */
const PIGGYBACK = merge(under('updates.*', MEMBER), { optional: ['witnesses'], lists: ['updates', 'witnesses', 'witnesses.*.by', 'witnesses.*.closed'] })

const LOCAL_ENTRY = {
  kind: 'local',
  name: 'counter',
  holder: PEER,
  stopped: false,
  version: { time: TIME, counter: 2, writer: PEER },
  taken: { time: TIME - 1000, counter: 0, writer: OTHER },
  id: 'a1'
}
const DISTRIBUTED_ENTRY = {
  kind: 'distributed',
  name: 'cache',
  type: 'Cache',
  args: [{ size: 10 }, 'eu'],
  placement: 'least-loaded',
  roles: ['web'],
  // a number of members: 'majority', the other form, is a string, whose other values the walk does not try
  quorum: 2,
  checkpoint: { interval: 5000, replicas: 1 },
  holder: PEER,
  stopped: false,
  version: { time: TIME, counter: 0, writer: PEER },
  taken: { time: TIME - 1000, counter: 0, writer: OTHER },
  failedOverFrom: { holder: OTHER, version: { time: TIME - 500, counter: 1, writer: OTHER } }
}
const ENTRY: Declarations = {
  optional: ['taken', 'checkpoint', 'failedOverFrom'],
  lists: ['args', 'roles'],
  // the actor's constructor arguments are the application's
  opaque: ['args.*'],
  // an interval is ms, any number above 0 as the spawn option it comes from (spawn-options.ts) takes; a huge one too,
  // though Node runs an interval above 2^31 - 1 ms every ms: a bound would belong in both checks
  accepts: { 'checkpoint.interval': ['fraction', 'huge'] }
}

// --- the protocols -----------------------------------------------------------------------------------------------------

const PROTOCOLS: Protocol[] = [
  {
    validator: 'validateHyParViewMessage',
    validate: validateHyParViewMessage,
    error: MalformedFrameError,
    walks: [
      { type: 'join', sample: { type: 'join' } },
      { type: 'forward-join', sample: { type: 'forward-join', peer: PEER, ttl: 5 } },
      { type: 'neighbor', sample: { type: 'neighbor', priority: 'high' } },
      { type: 'neighbor-reply', sample: { type: 'neighbor-reply', accepted: true } },
      { type: 'disconnect', sample: { type: 'disconnect', leaving: true }, optional: ['leaving'] },
      { type: 'shuffle', sample: { type: 'shuffle', origin: PEER, peers: [PEER, OTHER], ttl: 3, path: [OTHER] }, optional: ['path'], lists: ['peers', 'path'] },
      { type: 'shuffle-reply', sample: { type: 'shuffle-reply', peers: [OTHER], route: [PEER] }, optional: ['route'], lists: ['peers', 'route'] }
    ]
  },
  {
    validator: 'validateClientServerMessage',
    validate: validateClientServerMessage,
    error: MalformedFrameError,
    walks: [
      { type: 'link', sample: { type: 'link' } },
      { type: 'linked', sample: { type: 'linked' } },
      { type: 'unlink', sample: { type: 'unlink' } }
    ]
  },
  {
    validator: 'validatePlumtreeMessage',
    validate: validatePlumtreeMessage,
    error: MalformedFrameError,
    walks: [
      // the payload is the application's: any value but none at all
      { type: 'gossip', sample: { type: 'gossip', id: `${PEER}:1`, payload: { n: 1, list: [1, 2] }, round: 2, origin: PEER }, opaque: ['payload'] },
      { type: 'ihave', sample: { type: 'ihave', entries: [{ id: `${PEER}:1`, round: 1 }, { id: `${OTHER}:7`, round: 0 }] }, lists: ['entries'] },
      { type: 'graft', sample: { type: 'graft', id: `${PEER}:1`, round: 3 }, optional: ['id'] },
      { type: 'prune', sample: { type: 'prune' } }
    ]
  },
  {
    validator: 'validateMessage (SWIM)',
    validate: validateMessage,
    error: InvalidMessageError,
    walks: [
      { type: 'ping', sample: { type: 'ping', seq: 7, updates: [member(PEER, 'suspect')], witnesses: WITNESSES }, ...PIGGYBACK },
      { type: 'ack', sample: { type: 'ack', seq: 7, updates: [member(PEER, 'alive'), member(OTHER, 'dead')] }, ...PIGGYBACK },
      {
        type: 'ping-req',
        sample: { type: 'ping-req', seq: 8, target: OTHER, nack: true, updates: [member(PEER, 'left')] },
        // anything but true is no request for a nack, by design (swim-core.spec.ts checks it)
        ...merge(PIGGYBACK, { lenient: ['nack'] })
      },
      { type: 'nack', sample: { type: 'nack', seq: 8 } },
      { type: 'sync', sample: { type: 'sync', members: [member(PEER, 'alive')] }, ...merge(under('members.*', MEMBER), { lists: ['members'] }) },
      { type: 'sync-ack', sample: { type: 'sync-ack', members: [member(OTHER, 'alive')] }, ...merge(under('members.*', MEMBER), { lists: ['members'] }) },
      { type: 'gossip', sample: { type: 'gossip', updates: [member(PEER, 'suspect')], witnesses: WITNESSES }, ...PIGGYBACK }
    ]
  },
  {
    validator: 'validateNews (SWIM)',
    validate: validateNews,
    error: InvalidMessageError,
    walks: [
      { type: 'news', sample: { updates: [member(PEER, 'suspect'), member(OTHER, 'alive')], witnesses: WITNESSES }, ...PIGGYBACK }
    ]
  },
  {
    validator: 'validateNameMessage',
    validate: validateNameMessage,
    error: MalformedFrameError,
    walks: [
      {
        type: 'update',
        sample: ['update', [LOCAL_ENTRY, DISTRIBUTED_ENTRY]],
        ...merge(under('1.*', ENTRY), { lists: ['1'] })
      },
      // null: a page from the first name on
      { type: 'pull', sample: ['pull', 'counter'], accepts: { 1: ['null'] } },
      // without its null, a pull after the name 'distributed'; without 'distributed', a pull of every kind
      { type: 'pull of distributed entries', sample: ['pull', null, 'distributed'], removable: ['1', '2'], accepts: { 1: ['string'] } },
      { type: 'find', sample: ['find', 'counter'] }
    ]
  },
  {
    validator: 'validatePage',
    validate: validatePage,
    error: MalformedFrameError,
    walks: [
      { type: 'page', sample: [[LOCAL_ENTRY, DISTRIBUTED_ENTRY], true], ...merge(under('0.*', ENTRY), { lists: ['0'] }) }
    ]
  },
  {
    validator: 'validateFindAnswer',
    validate: validateFindAnswer,
    error: MalformedFrameError,
    walks: [
      // null: the home keeps no entry of the name
      { type: 'local entry', sample: LOCAL_ENTRY, ...merge(ENTRY, { accepts: { '': ['null'] } }) },
      { type: 'distributed entry', sample: DISTRIBUTED_ENTRY, ...merge(ENTRY, { accepts: { '': ['null'] } }) }
    ]
  },
  {
    validator: 'validateConfirmAnswer',
    validate: (value) => validateConfirmAnswer(value, 2),
    error: MalformedFrameError,
    walks: [
      // null: the member keeps that very write; the answer has one item per entry sent, so none may be removed
      { type: 'answer', sample: [DISTRIBUTED_ENTRY, null], ...merge(under('0', ENTRY), { accepts: { 0: ['null'] } }) }
    ]
  },
  {
    validator: 'validateEntry',
    validate: validateEntry,
    error: MalformedFrameError,
    walks: [
      { type: 'local', sample: LOCAL_ENTRY, ...ENTRY },
      { type: 'distributed', sample: DISTRIBUTED_ENTRY, ...ENTRY }
    ]
  },
  {
    validator: 'validateGroupMessage',
    validate: validateGroupMessage,
    error: InvalidGroupMessageError,
    walks: [
      {
        type: 'snapshot',
        sample: { k: 'snap', e: 2, s: 5, g: [['chat', ['a1', 'a2']]], i: 0, n: 1 },
        clean: { kind: 'snapshot', snapshot: { version: { epoch: 2, seq: 5 }, entries: [['chat', ['a1', 'a2']]] }, part: 0, parts: 1 },
        lists: ['g', 'g.*.1']
      },
      {
        type: 'delta',
        sample: { k: 'delta', e: 2, b: 4, s: 5, j: [['chat', ['a3']]], l: [['chat', ['a1']]] },
        clean: { kind: 'delta', delta: { base: { epoch: 2, seq: 4 }, version: { epoch: 2, seq: 5 }, joined: [['chat', ['a3']]], left: [['chat', ['a1']]] } },
        lists: ['j', 'l', 'j.*.1', 'l.*.1']
      },
      { type: 'pull', sample: { k: 'pull' }, clean: { kind: 'pull' } },
      { type: 'have', sample: { k: 'have', e: 2, s: 5 }, clean: { kind: 'have', version: { epoch: 2, seq: 5 } } }
    ]
  },
  {
    validator: 'validateDistMessage',
    validate: validateDistMessage,
    error: MalformedFrameError,
    walks: [
      { type: 'start', sample: ['start', [DISTRIBUTED_ENTRY], null, true], ...merge(under('1.*', ENTRY), { lists: ['1'] }) },
      // one handed-off state per entry, so neither list may lose an item; the states are the actors', and null is none
      {
        type: 'start with states',
        sample: ['start', [DISTRIBUTED_ENTRY], [{ count: 3 }], false],
        ...merge(under('1.0', ENTRY), { opaque: ['2.*'], accepts: { 2: ['null'] } })
      },
      { type: 'drain', sample: ['drain'] },
      { type: 'migrate', sample: ['migrate', 'cache', OTHER] },
      { type: 'checkpoint', sample: ['checkpoint', 'cache', TIME, { count: 3 }], opaque: ['3'] },
      { type: 'checkpoints', sample: ['checkpoints', ['cache', 'counter']], lists: ['1'] },
      { type: 'forward', sample: ['forward', 'cache', { hello: 1 }, 7], opaque: ['2'] }
    ]
  },
  {
    validator: 'validateStartAnswer',
    validate: validateStartAnswer,
    error: MalformedFrameError,
    walks: [
      { type: 'answer', sample: [[DISTRIBUTED_ENTRY], [['other', 'no quorum']]], ...merge(under('0.*', ENTRY), { lists: ['0', '1'] }) }
    ]
  },
  {
    validator: 'validateCheckpoints',
    validate: validateCheckpoints,
    error: MalformedFrameError,
    walks: [
      { type: 'checkpoints', sample: [['cache', TIME, { count: 3 }], ['counter', TIME, null]], lists: [''], opaque: ['*.2'] }
    ]
  },
  {
    validator: 'validateDistributedEntry',
    validate: validateDistributedEntry,
    error: MalformedFrameError,
    walks: [
      { type: 'entry', sample: DISTRIBUTED_ENTRY, ...ENTRY }
    ]
  },
  {
    validator: 'validateTreePublication',
    validate: validateTreePublication,
    error: MalformedFrameError,
    walks: [
      { type: 'publication', sample: { topic: 'news', data: new Uint8Array(PUBLICATION_ID_LENGTH + 4) } }
    ]
  },
  {
    validator: 'validateReport (node load)',
    validate: validateReport,
    error: MalformedFrameError,
    walks: [
      {
        type: 'report',
        sample: { processes: 3, messageRate: 12.5, cpu: 0.25, eventLoopLag: 12, heap: 0.5, mailbox: 7, uptime: 60_000, names: 40, groups: { epoch: 1, seq: 9 } },
        optional: ['cpu', 'eventLoopLag', 'heap', 'mailbox', 'uptime', 'names', 'groups'],
        // a rate and a duration are any number not below 0; cpu and heap are shares, so 1.5 is as wrong as -1
        accepts: { messageRate: ['fraction', 'huge'], eventLoopLag: ['fraction', 'huge'], uptime: ['fraction', 'huge'] }
      }
    ]
  }
]

// --- the walk --------------------------------------------------------------------------------------------------------

type Path = Array<string | number>

const named = (path: Path): string => path.join('.')

function kindOf (value: unknown): string {
  if (value === null) { return 'null' }
  if (Array.isArray(value)) { return 'list' }
  if (value instanceof Uint8Array) { return 'bytes' }
  return typeof value === 'object' ? 'map' : typeof value
}

function matches (patterns: string[] | undefined, path: Path): boolean {
  return (patterns ?? []).some(pattern => {
    const parts = pattern === '' ? [] : pattern.split('.')
    return parts.length === path.length && parts.every((part, i) => part === '*' || part === String(path[i]))
  })
}

/** Every path in a value, the root first: keys of maps and items of lists, not bytes, nor inside opaque values. */
function paths (value: unknown, opaque: string[] | undefined, at: Path = []): Path[] {
  const found = [at]
  if (matches(opaque, at) || value instanceof Uint8Array || typeof value !== 'object' || value === null) { return found }
  for (const [key, item] of Object.entries(value)) {
    found.push(...paths(item, opaque, [...at, Array.isArray(value) ? Number(key) : key]))
  }
  return found
}

/** A copy of `value` with the field at `path` removed (a list's item spliced out), or replaced. */
function changed (value: unknown, path: Path, change: { to: unknown } | 'remove'): unknown {
  if (path.length === 0) { return change === 'remove' ? undefined : change.to }
  const copy = structuredClone(value)
  let parent: any = copy
  for (const key of path.slice(0, -1)) { parent = parent[key] }
  const last = path[path.length - 1]
  if (change !== 'remove') {
    parent[last] = change.to
  } else if (Array.isArray(parent)) {
    parent.splice(last as number, 1)
  } else {
    delete parent[last]
  }
  return copy
}

type Expected = { throws: true } | { returns: unknown }

/** What the validator must make of the frame changed as described, or undefined when the walk skips the change. */
function expected (walk: Walk, clean: unknown, path: Path, wrong?: [label: string, value: unknown]): Expected | undefined {
  if (wrong == null) {
    if (path.length > 0 && matches(walk.lists, path.slice(0, -1))) { return undefined }
    const harmless = matches(walk.optional, path) || matches(walk.removable, path) || matches(walk.lenient, path)
    return harmless ? { returns: changed(clean, path, 'remove') } : { throws: true }
  }
  const [label, value] = wrong
  const original = path.reduce((at: any, key) => at[key], walk.sample)
  if (kindOf(value) === kindOf(original) && typeof original !== 'number') { return undefined }
  if (matches(walk.opaque, path) || Object.entries(walk.accepts ?? {}).some(([pattern, labels]) => labels.includes(label) && matches([pattern], path))) { return { returns: changed(clean, path, { to: value }) } }
  if ((matches(walk.optional, path) && value === null) || matches(walk.lenient, path)) { return { returns: changed(clean, path, 'remove') } }
  return { throws: true }
}

/** What went wrong with one change of the frame, or undefined when the validator did as it must. */
function check (protocol: Protocol, frame: unknown, want: Expected): string | undefined {
  let result: unknown
  try {
    result = protocol.validate(frame)
  } catch (err: any) {
    if ('returns' in want) { return `threw ${err?.name}: ${err?.message}` }
    if (err instanceof protocol.error && err.name === protocol.error.name) { return undefined }
    return `threw ${err?.name ?? typeof err}: ${err?.message} instead of ${protocol.error.name}`
  }
  if ('throws' in want) { return `returned ${inspect(result, { depth: 4, breakLength: Infinity })}` }
  if (!isDeepStrictEqual(result, want.returns)) { return `returned ${inspect(result, { depth: 4, breakLength: Infinity })}` }
  return undefined
}

/** Walks one frame: every field removed, and replaced by each wrong value; returns what the validator got wrong. */
function walk (protocol: Protocol, frame: Walk): { problems: string[], changes: number } {
  const clean = frame.clean ?? frame.sample
  const problems: string[] = []
  let changes = 0
  for (const path of paths(frame.sample, frame.opaque)) {
    for (const wrong of [undefined, ...WRONG]) {
      const want = expected(frame, clean, path, wrong)
      if (want == null) { continue }
      changes++
      const mutated = changed(frame.sample, path, wrong == null ? 'remove' : { to: wrong[1] })
      const problem = check(protocol, mutated, want)
      if (problem != null) { problems.push(`${named(path) === '' ? '(root)' : named(path)} ${wrong == null ? 'removed' : `as ${wrong[0]}`}: ${problem}`) }
    }
  }
  return { problems, changes }
}

describe('every frame walked: each field removed or of the wrong type', () => {
  for (const protocol of PROTOCOLS) {
    describe(protocol.validator, () => {
      for (const frame of protocol.walks) {
        it(`${frame.type}: takes the sample, and throws ${protocol.error.name} for every change not declared harmless`, () => {
          expect(protocol.validate(frame.sample), 'the sample').to.deep.equal(frame.clean ?? frame.sample)
          const { problems, changes } = walk(protocol, frame)
          expect(changes, 'changes tried').to.be.above(0)
          expect(problems).to.deep.equal([])
        })
      }
    })
  }
})
