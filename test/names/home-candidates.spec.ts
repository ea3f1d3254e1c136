// Which members a name may live with in the partial-view shape: the active ones others can dial, never a browser tab.
import { expect } from 'aegir/chai'
import { BROWSER_ROLE } from '../../src/membership/reserved-roles.ts'
import { NameHomes, homeCandidates } from '../../src/names/name-homes.ts'
import type { Member } from '../../src/membership/index.ts'

const member = (id: string, roles: string[] = []): Member => ({ id, name: id, roles, addresses: [], status: 'alive', incarnation: 0 })

describe('home candidates', () => {
  it('leaves browser members out of the ring, so no name lives with a tab', () => {
    const members = [member('a'), member('tab-1', [BROWSER_ROLE]), member('b', ['web']), member('c'), member('tab-2', [BROWSER_ROLE])]
    expect(homeCandidates(members)).to.deep.equal(['a', 'b', 'c'])
    const homes = new NameHomes({ self: 'a', now: () => 0 })
    homes.setMembers(homeCandidates(members))
    for (let i = 0; i < 100; i++) {
      expect(homes.homesOf(`name-${i}`).every(id => !id.startsWith('tab-'))).to.equal(true)
    }
  })
})
