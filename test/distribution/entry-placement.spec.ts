// Which members may run a distributed actor: those with the roles it asks for, never a browser tab unless it asks
// for one.
import { expect } from 'aegir/chai'
import { EntryPlacement } from '../../src/distribution/entry-placement.ts'
import { newEntry } from '../../src/distribution/spawn-options.ts'
import { BROWSER_ROLE } from '../../src/membership/reserved-roles.ts'
import type { Member } from '../../src/membership/index.ts'

const member = (id: string, roles: string[] = []): Member => ({ id, name: id, roles, addresses: [], status: 'alive', incarnation: 0 })
const log = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false }) as any

describe('entry placement', () => {
  const members = [member('node-a'), member('node-b', ['gpu']), member('tab', [BROWSER_ROLE])]
  const placement = new EntryPlacement({ self: 'node-a', activeMembers: () => members, load: () => undefined, log })
  const placed = (roles?: string[]): Set<string | undefined> => new Set(Array.from({ length: 200 }, (_, i) =>
    placement.placeOf(newEntry('node-a', `actor-${i}`, 'Worker', [], roles == null ? {} : { roles }))))

  it('never places on a browser member unless the actor asks for one', () => {
    expect(placed()).to.deep.equal(new Set(['node-a', 'node-b']))
    expect(placed(['gpu'])).to.deep.equal(new Set(['node-b']))
    expect(placed([BROWSER_ROLE])).to.deep.equal(new Set(['tab']))
  })
})
