// The link keeper on its own: which idle connections outside the overlay it closes, and which it leaves alone.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { LinkKeeper } from '../../src/overlay/libp2p/link-keeper.ts'
import type { PeerId } from '@libp2p/interface'

async function peer (): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

describe('overlay link keeper', () => {
  it('closes idle connections outside the overlay that this node opened, and leaves the ones peers opened to them', async () => {
    const [neighbour, dialled, dialledUs, busy] = await Promise.all([peer(), peer(), peer(), peer()])
    const connections = [
      { remotePeer: neighbour, direction: 'outbound', status: 'open' },
      { remotePeer: dialled, direction: 'outbound', status: 'open' },
      { remotePeer: dialledUs, direction: 'inbound', status: 'open' },
      { remotePeer: busy, direction: 'outbound', status: 'open' }
    ]
    const hungUp: string[] = []
    const keeper = new LinkKeeper({
      host: {
        getConnections: () => connections as any,
        hangUp: async (id: any) => { hungUp.push(id.toString()) }
      },
      isLinked: (id) => id === neighbour.toString(),
      inUseSince: () => new Set([busy.toString()]),
      meshPeers: () => new Set(),
      log: Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false }) as any
    }, { idleTimeout: 10_000, unusedTimeout: 1000 })
    keeper.check(0)
    keeper.check(999)
    expect(hungUp, 'nothing idle long enough yet').to.deep.equal([])
    keeper.check(1000)
    expect(hungUp).to.deep.equal([dialled.toString()])
    expect(keeper.counts()).to.deep.equal({ connected: 4, outside: 3 })
  })
})
