import { defaultLogger } from '@libp2p/logger'
import { expect } from 'aegir/chai'
import { InvalidPeerAddressError, StaticDiscovery, peerAddress } from '../../src/discovery/static/index.ts'
import { discoveryCompliance } from './compliance.ts'

const SELF = { peerId: '12D3KooWSelf', addresses: ['/ip4/127.0.0.1/tcp/4100/p2p/12D3KooWSelf'] }

discoveryCompliance('static', async () => ({
  strategy: new StaticDiscovery(
    { logger: defaultLogger(), self: { peerId: SELF.peerId, name: 'self', addresses: () => SELF.addresses } },
    { peers: ['127.0.0.1:4101', '/ip4/127.0.0.1/tcp/4102', '127.0.0.1:4101', '127.0.0.1:4100'], interval: 100 }
  ),
  expected: ['/ip4/127.0.0.1/tcp/4101', '/ip4/127.0.0.1/tcp/4102'],
  self: SELF,
  close: async () => {}
}))

describe('static discovery addresses', () => {
  it('turns host:port into a multiaddr', () => {
    expect(peerAddress('10.0.0.7:4001')).to.equal('/ip4/10.0.0.7/tcp/4001')
    expect(peerAddress('[::1]:4001')).to.equal('/ip6/::1/tcp/4001')
    expect(peerAddress('node-1.internal:4001')).to.equal('/dns/node-1.internal/tcp/4001')
    expect(peerAddress('/ip4/10.0.0.7/tcp/4001')).to.equal('/ip4/10.0.0.7/tcp/4001')
  })

  it('names a peer that is neither', () => {
    for (const bad of ['/ip4/300.1.1.1/tcp/1', 'node-1', 'node-1:99999', '/not/a/multiaddr', 'bad host:1']) {
      expect(() => peerAddress(bad), bad).to.throw(InvalidPeerAddressError).with.property('address', bad)
    }
  })
})
