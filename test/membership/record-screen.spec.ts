// The record screen: what reaches the SWIM core from a message. Records without a valid proof are dropped alone; a
// page let in by an admission ticket speaks for itself only within its ticket: its own record must say it is a browser
// and take no role the ticket does not grant, while the records of others it passes on are judged by their proofs.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { MemberProofs, MemberSigner } from '../../src/membership/member-proofs.ts'
import { RecordScreen } from '../../src/membership/record-screen.ts'
import { BROWSER_ROLE } from '../../src/membership/reserved-roles.ts'
import { nodeKeys } from '../../src/node/node-keys.ts'
import { nodeKeyCrypto } from '../../src/platform/node/node-crypto.ts'
import type { MemberRecord } from '../../src/membership/index.ts'
import type { SwimMessage } from '../../src/membership/swim/messages.ts'

const CLUSTER = 'screen'

/** A member with its own key, that signs what it says of itself. */
async function signer (): Promise<{ id: string, record(roles: string[], incarnation?: number): MemberRecord }> {
  const key = await generateKeyPair('Ed25519')
  const id = peerIdFromPrivateKey(key).toString()
  const sign = new MemberSigner(nodeKeys(key, nodeKeyCrypto()).own, CLUSTER)
  return {
    id,
    record: (roles, incarnation = 1) => {
      const record: MemberRecord = { id, name: id.slice(-6), roles, addresses: [], status: 'alive', incarnation }
      return { ...record, proof: sign.sign(record) }
    }
  }
}

describe('membership/record-screen', () => {
  it('keeps a page\'s own record within the roles its ticket grants, and judges the records it passes on by their proofs', async () => {
    const [page, member, stranger] = await Promise.all([signer(), signer(), signer()])
    const self = await generateKeyPair('Ed25519')
    const grants = new Map([[page.id, ['editor']]])
    const dropped: string[] = []
    const screen = new RecordScreen(new MemberProofs(nodeKeys(self, nodeKeyCrypto()).peers, CLUSTER, 100), (record, why) => { dropped.push(`${record.name}:${why}`) }, (peer) => grants.get(peer))
    const sync = (members: MemberRecord[]): SwimMessage => ({ type: 'sync', members })
    const kept = (message: SwimMessage): string[] => (message.type === 'sync' ? message.members : []).map(r => `${r.name}:${r.roles.join('+')}`)

    // within the grant: kept, and so is a member's record the page passes on
    expect(kept(screen.message(sync([page.record([BROWSER_ROLE, 'editor']), member.record(['worker'])]), page.id))).to.deep.equal([
      `${page.id.slice(-6)}:${BROWSER_ROLE}+editor`, `${member.id.slice(-6)}:worker`
    ])
    // a role the ticket does not grant, and a page passing itself off as a Node member: dropped, the rest kept
    expect(kept(screen.message(sync([page.record([BROWSER_ROLE, 'admin'], 2), member.record(['worker'], 2)]), page.id))).to.deep.equal([`${member.id.slice(-6)}:worker`])
    expect(kept(screen.message(sync([page.record(['editor'], 3)]), page.id))).to.deep.equal([])
    expect(screen.refused).to.deep.equal({ missing: 0, forged: 0, ungranted: 2 })
    expect(dropped).to.deep.equal([`${page.id.slice(-6)}:ungranted`, `${page.id.slice(-6)}:ungranted`])

    // a member that showed no ticket (the page's record passed on by it was checked where the page was let in) is
    // judged by proofs alone, as is anyone's gossip
    expect(kept(screen.message(sync([page.record([BROWSER_ROLE, 'editor'], 4), stranger.record(['admin'])]), member.id))).to.have.lengthOf(2)
    const news = screen.news({ updates: [page.record([BROWSER_ROLE, 'admin'], 5)] }, page.id)
    expect(news.updates).to.deep.equal([])
    expect(screen.refused.ungranted).to.equal(3)
  })
})
