// Membership against a peer that holds the cluster key and lies: what a member says of itself counts only with its
// signature, and one member's word that another is dead is a suspicion, which a live member refutes. Each lie is
// refused and counted, and the victim's view stays right.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { generateSecret } from '../../src/config/secret.ts'
import { MAX_INCARNATION } from '../../src/membership/swim/messages.ts'
import { BarePeer } from '../fixtures/bare-peer.ts'
import { TestNodes, eventually, formed, uniqueCluster } from '../fixtures/nodes.ts'
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'
import type { MemberRecord } from '../../src/membership/index.ts'
import type { Stream } from '@libp2p/interface'

/** A node's own record with its signature, as every member holds it: what a liar can copy. */
function signedRecordOf (node: FoundationNode): MemberRecord {
  return (node.membership as any).core.self()
}

async function inventedIds (count: number): Promise<string[]> {
  return Promise.all(Array.from({ length: count }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()))
}

describe('membership: lies from a peer holding the key', function () {
  this.timeout(60_000)
  const nodes = new TestNodes()
  let a: FoundationNode, b: FoundationNode
  let liar: BarePeer
  let stream: Stream
  let leaves: string[]

  beforeEach(async () => {
    const clusterName = uniqueCluster()
    const secret = generateSecret()
    const init = { clusterName, secret, discovery: { mdns: false } }
    a = await nodes.start({ ...init, name: 'a' })
    b = await nodes.start({ ...init, name: 'b' })
    await b.connect(a.addresses())
    await formed([a, b])
    leaves = []
    a.membership.addEventListener('member:leave', (evt) => { leaves.push(evt.detail.id) })
    liar = await BarePeer.start(clusterName, secret)
    await liar.host.dial(a.host.getMultiaddrs())
    stream = await liar.open(a.host.peerId, 'membership')
  })

  afterEach(async () => {
    await liar.stop()
    await nodes.stopAll()
  })

  /** After the lies had time to do harm: a still holds b alive, and a call to b goes through. */
  async function bStillAliveAtA (): Promise<void> {
    await new Promise(resolve => setTimeout(resolve, 1500))
    expect(leaves, 'leave events at a').to.deep.equal([])
    expect(a.membership.get(b.id)?.status).to.equal('alive')
    expect(a.info().nodes).to.equal(2)
    const echo = await b.spawn(class { receive (m: unknown): unknown { return m } })
    expect(await a.call(echo, 'still there', { timeout: 5000 })).to.equal('still there')
  }

  it('refuses a leave b did not sign: without a proof, with a made-up one, or with b\'s proof of being alive', async () => {
    const b0 = signedRecordOf(b)
    const { proof, ...unsigned } = b0
    liar.write(stream,
      { type: 'gossip', updates: [{ ...unsigned, status: 'left' }] },
      { type: 'gossip', updates: [{ ...unsigned, status: 'left', proof: crypto.getRandomValues(new Uint8Array(64)) }] },
      { type: 'gossip', updates: [{ ...b0, status: 'left' }] })
    await eventually(() => a.membership.refusedRecords.missing + a.membership.refusedRecords.forged === 3,
      () => `refused: ${JSON.stringify(a.membership.refusedRecords)}`)
    expect(a.membership.refusedRecords).to.deep.equal({ missing: 1, forged: 2, ungranted: 0 })
    await bStillAliveAtA()
  })

  it('refuses a death at an incarnation b never signed, such as the highest there is', async () => {
    const b0 = signedRecordOf(b)
    liar.write(stream,
      { type: 'gossip', updates: [{ ...b0, status: 'dead', incarnation: MAX_INCARNATION }] },
      { type: 'gossip', updates: [{ ...b0, status: 'dead', incarnation: b0.incarnation + 1 }] })
    await eventually(() => a.membership.refusedRecords.forged === 2, () => `refused: ${JSON.stringify(a.membership.refusedRecords)}`)
    await bStillAliveAtA()
    expect(a.membership.get(b.id)?.incarnation).to.equal(b0.incarnation)
  })

  it('takes one peer\'s word that b is dead, repeated, as a suspicion that b refutes: b never dies at a', async () => {
    const b0 = signedRecordOf(b)
    for (let i = 0; i < 20; i++) { liar.write(stream, { type: 'gossip', updates: [{ ...b0, status: 'dead' }] }) }
    // b hears of the doubt from a and answers it with a new incarnation, which a believes
    await eventually(() => (a.membership.get(b.id)?.incarnation ?? 0) > b0.incarnation, 'b refuted at a')
    expect(a.membership.refusedRecords).to.deep.equal({ missing: 0, forged: 0, ungranted: 0 })
    await bStillAliveAtA()
  })

  it('refuses b\'s record with its addresses or roles changed: b\'s proof does not cover them', async () => {
    const b0 = signedRecordOf(b)
    liar.write(stream,
      { type: 'gossip', updates: [{ ...b0, addresses: liar.host.getMultiaddrs().map(String) }] },
      { type: 'gossip', updates: [{ ...b0, roles: ['admin'] }] })
    await eventually(() => a.membership.refusedRecords.forged === 2, () => `refused: ${JSON.stringify(a.membership.refusedRecords)}`)
    expect(a.membership.get(b.id)?.addresses).to.deep.equal(b0.addresses)
    expect(a.membership.get(b.id)?.roles).to.deep.equal(b0.roles)
  })

  it('adds none of 200 invented members, unsigned or signed with another key, and takes the real news beside them', async () => {
    const ids = await inventedIds(200)
    const invented = ids.map((id, i): MemberRecord => ({
      id, name: `ghost-${i}`, roles: [], addresses: ['/ip4/127.0.0.1/tcp/1'], status: 'alive', incarnation: 0
    }))
    // the liar signs every ghost with b's proof, the only real signature it holds
    const borrowed = invented.map(m => ({ ...m, proof: signedRecordOf(b).proof }))
    liar.write(stream, { type: 'sync', members: [...invented, signedRecordOf(b)] }, { type: 'gossip', updates: borrowed })
    await eventually(() => a.membership.refusedRecords.missing === 200 && a.membership.refusedRecords.forged === 200,
      () => `refused: ${JSON.stringify(a.membership.refusedRecords)}`)
    expect(a.info().nodes).to.equal(2)
    expect(a.membership.members().map(m => m.id).sort()).to.deep.equal([a.id, b.id].sort())
    await bStillAliveAtA()
  })
})
