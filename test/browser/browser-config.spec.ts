// A browser member's options: checked by hand, each bad value named by its field, the rest at a Node member's
// defaults.
import { expect } from 'aegir/chai'
import { ConfigError } from '../../src/config/errors.ts'
import { BROWSER_ROLE } from '../../src/membership/reserved-roles.ts'
import { browserConfig } from '../../src/platform/browser/browser-config.ts'

const PEER = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'
const WS = `/ip4/127.0.0.1/tcp/4002/ws/p2p/${PEER}`

function thrownBy (fn: () => unknown): ConfigError {
  try {
    fn()
  } catch (err) {
    if (err instanceof ConfigError) { return err }
    throw err
  }
  throw new Error('nothing thrown')
}

describe('browser member config', () => {
  it('joins through the bootstrap addresses, serves nothing, and carries the browser role', () => {
    const config = browserConfig({ clusterName: 'shop', bootstrap: [WS], name: 'tab', roles: ['ui', 'ui'] })
    expect(config).to.include({ clusterName: 'shop', name: 'tab' })
    expect(config.roles).to.deep.equal(['ui', BROWSER_ROLE])
    expect(config.listen).to.deep.equal([])
    expect(config.discovery.strategies).to.deep.equal([{ name: 'static', init: { peers: [WS] } }])
    expect(config.http.enabled).to.equal(false)
    expect(config.metrics.enabled).to.equal(false)
  })

  it('counts members to the overlay thresholds its cluster\'s Node members use', () => {
    const config = browserConfig({ bootstrap: [WS], overlay: { topology: 'partial-view', partialFrom: 10, fullMeshAtMost: 6, activeViewSize: 3 } })
    expect(config.overlay).to.include({ topology: 'partial-view', partialFrom: 10, fullMeshAtMost: 6, activeViewSize: 3, clientServerFrom: 5000 })
    expect(browserConfig({ bootstrap: [WS] }).overlay).to.include({ topology: 'auto', partialFrom: 64 })
  })

  it('names a tab when no name is given, in the default cluster', () => {
    const config = browserConfig({ bootstrap: [WS] })
    expect(config.clusterName).to.equal('foundation')
    expect(config.name).to.match(/^browser-[a-z0-9]+$/)
  })

  const bad: Array<[string, unknown, RegExp?]> = [
    ['(options)', 'ws://x'],
    ['bootstrap', {}, /non-empty array/],
    ['bootstrap', { bootstrap: [] }],
    ['bootstrap[0]', { bootstrap: [`/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`] }, /WebSockets multiaddr/],
    ['bootstrap[0]', { bootstrap: ['/ip4/127.0.0.1/tcp/4002/ws'] }, /peer id/],
    ['bootstrap[1]', { bootstrap: [WS, 'not an address'] }],
    ['clusterName', { bootstrap: [WS], clusterName: 'no spaces' }],
    ['name', { bootstrap: [WS], name: '' }],
    ['roles', { bootstrap: [WS], roles: [BROWSER_ROLE] }, /not beginning with "\$"/],
    ['callTimeout', { bootstrap: [WS], callTimeout: 0 }],
    ['joinTimeout', { bootstrap: [WS], joinTimeout: 1.5 }],
    ['ticket', { bootstrap: [WS], ticket: 42 }, /function of the peer id/],
    ['webRTC', { bootstrap: [WS], webRTC: {} }, /webRTC\(\) of @libp2p\/webrtc/],
    ['overlay.topology', { bootstrap: [WS], overlay: { topology: 'ring' } }, /auto, full-mesh, partial-view/],
    ['overlay.activeViewSize', { bootstrap: [WS], overlay: { activeViewSize: 0 } }],
    ['overlay', { bootstrap: [WS], overlay: { fullMeshAtMost: 70 } }, /fullMeshAtMost must be below partialFrom/]
  ]
  for (const [field, init, expected] of bad) {
    it(`names the field of a bad value: ${field}`, () => {
      const err = thrownBy(() => browserConfig(init as any))
      expect(err).to.have.property('field', field)
      if (expected != null) { expect(err.message).to.match(expected) }
    })
  }
})
