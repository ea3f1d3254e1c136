import { readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { ConfigError } from '../../src/config/errors.ts'
import { loadIdentity } from '../../src/config/identity.ts'
import { tempFolder, thrownByAsync } from './helpers.ts'

describe('config identity', () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>
  beforeEach(async () => { folder = await tempFolder() })
  afterEach(async () => { await folder.remove() })

  it('creates the key file on first start, readable by this user alone, then reuses it', async () => {
    const keyFile = join(folder.path, 'state', 'node.key')
    const first = await loadIdentity(keyFile)
    expect(first.type).to.equal('Ed25519')
    expect((await stat(keyFile)).mode & 0o777).to.equal(0o600)
    expect(await readdir(join(folder.path, 'state'))).to.deep.equal(['node.key'])

    const again = await loadIdentity(keyFile)
    expect(peerIdFromPrivateKey(again).toString()).to.equal(peerIdFromPrivateKey(first).toString())
    expect(peerIdFromPrivateKey(privateKeyFromProtobuf(await readFile(keyFile))).equals(peerIdFromPrivateKey(first))).to.be.true()
  })

  it('gives two nodes starting at once with one file the same key', async () => {
    const keyFile = join(folder.path, 'shared.key')
    const [a, b] = await Promise.all([loadIdentity(keyFile), loadIdentity(keyFile)])
    expect(peerIdFromPrivateKey(a).toString()).to.equal(peerIdFromPrivateKey(b).toString())
    expect(await readdir(folder.path)).to.deep.equal(['shared.key'])
  })

  it('names a malformed key file', async () => {
    const keyFile = await folder.file('bad.key', 'not a protobuf key')
    const err = await thrownByAsync(async () => loadIdentity(keyFile))
    expect(err).to.be.an.instanceOf(ConfigError).with.property('field', 'identity.keyFile')
    expect(err.message).to.include(keyFile).and.include('not a private key')
    expect(err.cause).to.be.an.instanceOf(Error)
  })

  it('names a key file that holds another type of key than Ed25519, which membership records are signed with', async () => {
    const keyFile = join(folder.path, 'secp.key')
    await writeFile(keyFile, privateKeyToProtobuf(await generateKeyPair('secp256k1')))
    const err = await thrownByAsync(async () => loadIdentity(keyFile))
    expect(err).to.be.an.instanceOf(ConfigError).with.property('field', 'identity.keyFile')
    expect(err.message).to.include('an Ed25519 key').and.include('secp256k1')
  })

  it('names a key file it cannot create', async () => {
    const blocker = await folder.file('plain-file', 'x')
    const err = await thrownByAsync(async () => loadIdentity(join(blocker, 'node.key')))
    expect(err).to.be.an.instanceOf(ConfigError).with.property('field', 'identity.keyFile')
    expect(err.message).to.match(/ENOTDIR|EEXIST/)
  })
})
