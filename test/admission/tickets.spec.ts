// Admission tickets: issued with a key derived from the cluster secret, read back by any member with the same key,
// and every way a ticket can be wrong named by its verdict.
import { expect } from 'aegir/chai'
import { issueAdmissionTicket } from '../../src/admission/issue.ts'
import { ticketBytes, ticketFrame, MAX_TICKET_BYTES } from '../../src/admission/ticket-wire.ts'
import { readTicket, ticketKey } from '../../src/admission/tickets.ts'
import { ConfigError } from '../../src/config/errors.ts'
import { generateSecret, preSharedKeyFrom } from '../../src/config/secret.ts'
import { Codec } from '../../src/wire/codec.ts'

const PEER = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'
const NOW = 1_800_000_000_000

describe('admission tickets', () => {
  const secret = generateSecret()
  const key = ticketKey(preSharedKeyFrom(secret))
  const read = (text: string, cluster = 'shop', now = NOW): ReturnType<typeof readTicket> => readTicket(key, ticketBytes(text) ?? new Uint8Array(), cluster, now)

  it('reads back what was issued, for the cluster, until it expires', () => {
    const text = issueAdmissionTicket({ secret, clusterName: 'shop', peerId: PEER, roles: ['viewer'], ttl: 30_000 }, NOW)
    expect(read(text)).to.deep.equal({ verdict: 'admitted', claims: { cluster: 'shop', peer: PEER, roles: ['viewer'], expiresAt: NOW + 30_000 } })
    expect(read(text, 'shop', NOW + 30_000).verdict).to.equal('expired')
    expect(read(text, 'other').verdict).to.equal('other-cluster')
  })

  it('finds a ticket signed with another secret forged, and one changed after signing too', () => {
    expect(read(issueAdmissionTicket({ secret: generateSecret(), clusterName: 'shop', peerId: PEER }, NOW)).verdict).to.equal('forged')
    const codec = new Codec()
    const [signed, mac] = codec.decode(ticketBytes(issueAdmissionTicket({ secret, clusterName: 'shop', peerId: PEER }, NOW)) ?? new Uint8Array()) as [Uint8Array, Uint8Array]
    const fields = codec.decode(signed) as unknown[]
    fields[4] = NOW + 3_600_000
    expect(readTicket(key, codec.encode([codec.encode(fields), mac]), 'shop', NOW).verdict).to.equal('forged')
  })

  it('finds every malformed shape malformed', () => {
    const codec = new Codec()
    const signedOf = (fields: unknown[]): Uint8Array => codec.encode(fields)
    const shapes: unknown[] = [
      new Uint8Array([1, 2, 3]),
      codec.encode('text'),
      codec.encode([new Uint8Array(4), new Uint8Array(32)]),
      codec.encode([signedOf([1, 'shop', PEER, []]), new Uint8Array(32)]),
      codec.encode([signedOf([2, 'shop', PEER, [], NOW]), new Uint8Array(32)]),
      codec.encode([signedOf([1, 'shop', '', [], NOW]), new Uint8Array(32)]),
      codec.encode([signedOf([1, 'shop', PEER, [7], NOW]), new Uint8Array(32)]),
      codec.encode([signedOf([1, 'shop', PEER, [], 1.5]), new Uint8Array(32)]),
      codec.encode([signedOf([1, 'shop', PEER, [], NOW]), new Uint8Array(31)])
    ]
    for (const shape of shapes) {
      expect(readTicket(key, shape as Uint8Array, 'shop', NOW).verdict).to.equal('malformed')
    }
    expect(ticketBytes('not base64url!')).to.equal(undefined)
  })

  it('frames a ticket with its length, and refuses one too large to frame', () => {
    expect([...ticketFrame(new Uint8Array([9, 8, 7]))]).to.deep.equal([0, 3, 9, 8, 7])
    expect(() => ticketFrame(new Uint8Array(MAX_TICKET_BYTES + 1))).to.throw(RangeError)
  })

  const bad: Array<[string, Record<string, unknown>]> = [
    ['secret', { secret: '' }],
    ['peerId', { peerId: 'not-a-peer' }],
    ['roles', { roles: ['$browser'] }],
    ['ttl', { ttl: 3_600_001 }],
    ['ttl', { ttl: 0 }]
  ]
  for (const [field, options] of bad) {
    it(`names a wrong option when issuing: ${field}`, () => {
      expect(() => issueAdmissionTicket({ secret, peerId: PEER, ...options } as any)).to.throw(ConfigError).with.property('field', field)
    })
  }
})
