// The client-server shape's servers as a member works them out from its member list: never a browser tab, which its
// clients could not dial, whether the tab is another member or this one.
import { expect } from 'aegir/chai'
import { BROWSER_ROLE } from '../../src/membership/reserved-roles.ts'
import { resolveClientServerConfig, serverView } from '../../src/overlay/client-server/index.ts'
import { MemberServers } from '../../src/overlay/libp2p/member-servers.ts'
import type { Member, Membership } from '../../src/membership/index.ts'

const member = (id: string, roles: string[] = []): Member => ({ id, name: id, roles, addresses: [], status: 'alive', incarnation: 0 })
const CONFIG = resolveClientServerConfig({ minServers: 3 })

function serversOf (members: Member[], self: Member): readonly string[] {
  const membership = { members: () => members, self: () => self } as unknown as Membership
  return new MemberServers(membership, self.id, CONFIG).viewIfChanged()?.servers ?? []
}

describe('member servers', () => {
  const nodes = Array.from({ length: 12 }, (_, i) => member(`node-${String(i).padStart(2, '0')}`))
  const tabs = Array.from({ length: 12 }, (_, i) => member(`tab-${String(i).padStart(2, '0')}`, [BROWSER_ROLE]))

  it('chooses the servers among the members others can dial, the same on a Node member and on a tab', () => {
    const onNode = serversOf([...nodes, ...tabs], nodes[0])
    expect(onNode).to.deep.equal(serverView(nodes.map(n => n.id), CONFIG).servers)
    expect(onNode.some(id => id.startsWith('tab-'))).to.equal(false)
    // a tab's own view, itself not in its list of others, agrees, and does not add itself
    expect(serversOf([...nodes, ...tabs.slice(1)], tabs[0])).to.deep.equal(onNode)
  })
})
