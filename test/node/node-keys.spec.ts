// Node's OpenSSL keys and the browser's @noble keys make and check the same signatures: a member on either platform
// proves itself to members on the other.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { UnsupportedIdentityKeyError } from '../../src/node/errors.ts'
import { PeerKeys, SigningKey } from '../../src/node/node-keys.ts'
import { nobleKeyCrypto } from '../../src/platform/browser/noble-crypto.ts'
import { nodeKeyCrypto } from '../../src/platform/node/node-crypto.ts'
import type { KeyCrypto } from '../../src/node/node-keys.ts'
import type { PrivateKey } from '@libp2p/interface'

const platforms: Array<[string, KeyCrypto]> = [['node:crypto', nodeKeyCrypto()], ['@noble', nobleKeyCrypto()]]

describe('node keys', () => {
  let keyA: PrivateKey, keyB: PrivateKey
  let a: string, b: string
  const data = new TextEncoder().encode('what a says about itself')

  before(async () => {
    [keyA, keyB] = await Promise.all([generateKeyPair('Ed25519'), generateKeyPair('Ed25519')])
    a = peerIdFromPrivateKey(keyA).toString()
    b = peerIdFromPrivateKey(keyB).toString()
  })

  function crossChecks (signedBy: string, signing: KeyCrypto, checkedBy: string, checking: KeyCrypto): void {
    describe(`signed with ${signedBy}, checked with ${checkedBy}`, () => {
      it('takes the signer\'s signature, of the bytes and of their digest', () => {
        const own = new SigningKey(keyA, signing)
        const peers = new PeerKeys(16, checking)
        expect(peers.verify(a, data, own.sign(data))).to.equal(true)
        expect(peers.verifyDigestOf(a, data, own.signDigestOf(data))).to.equal(true)
      })

      it('refuses a changed byte, another peer\'s signature, a digest taken for the bytes and a short signature', () => {
        const own = new SigningKey(keyA, signing)
        const peers = new PeerKeys(16, checking)
        const signature = own.sign(data)
        const changedData = data.slice()
        changedData[0] ^= 1
        expect(peers.verify(a, changedData, signature)).to.equal(false)
        const changedSignature = signature.slice()
        changedSignature[10] ^= 1
        expect(peers.verify(a, data, changedSignature)).to.equal(false)
        expect(peers.verify(a, data, new SigningKey(keyB, signing).sign(data))).to.equal(false)
        expect(peers.verify(b, data, signature)).to.equal(false)
        expect(peers.verifyDigestOf(a, data, signature)).to.equal(false)
        expect(peers.verify(a, data, signature.subarray(0, 63))).to.equal(false)
      })
    })
  }

  function platformChecks (name: string, crypto: KeyCrypto): void {
    describe(name, () => {
      it('gives false for a peer id without an Ed25519 key, and for text that is no peer id', async () => {
        const other = peerIdFromPrivateKey(await generateKeyPair('secp256k1')).toString()
        const peers = new PeerKeys(16, crypto)
        const signature = new SigningKey(keyA, crypto).sign(data)
        expect(peers.verify(other, data, signature)).to.equal(false)
        expect(peers.verify('peer-a', data, signature)).to.equal(false)
      })

      it('refuses to sign with a key that is not Ed25519', async () => {
        const key = await generateKeyPair('secp256k1')
        expect(() => new SigningKey(key, crypto)).to.throw(UnsupportedIdentityKeyError)
      })

      it('keeps checking the right key as the least recently used keys make room', async () => {
        const keys = await Promise.all(Array.from({ length: 4 }, async () => generateKeyPair('Ed25519')))
        const peers = new PeerKeys(2, crypto)
        for (let round = 0; round < 2; round++) {
          for (const key of keys) {
            const peer = peerIdFromPrivateKey(key).toString()
            expect(peers.verify(peer, data, new SigningKey(key, crypto).sign(data))).to.equal(true)
            expect(peers.verify(peer, data, new SigningKey(keyA, crypto).sign(data))).to.equal(false)
          }
        }
      })
    })
  }

  for (const [signedBy, signing] of platforms) {
    for (const [checkedBy, checking] of platforms) { crossChecks(signedBy, signing, checkedBy, checking) }
  }
  for (const [name, crypto] of platforms) { platformChecks(name, crypto) }

  it('takes the same SHA-256 on both platforms', () => {
    const [node, noble] = platforms.map(([, crypto]) => crypto)
    for (const bytes of [new Uint8Array(0), data, crypto.getRandomValues(new Uint8Array(60_000))]) {
      const digest = node.sha256(bytes)
      expect(digest).to.have.lengthOf(32)
      expect(noble.sha256(bytes)).to.deep.equal(new Uint8Array(digest))
    }
    // a view into a larger buffer is hashed for its own bytes only
    const whole = crypto.getRandomValues(new Uint8Array(64))
    const part = whole.subarray(8, 40)
    expect(noble.sha256(part)).to.deep.equal(new Uint8Array(node.sha256(part)))
    expect(node.sha256(part)).to.deep.equal(node.sha256(part.slice()))
  })
})
