// This node's private key from identity.keyFile, created on first start, so its peer id survives restarts.
import { randomBytes } from 'node:crypto'
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { ConfigError } from './errors.ts'
import type { PrivateKey } from '@libp2p/interface'

const FIELD = 'identity.keyFile'

/**
 * The key in `keyFile` (libp2p protobuf encoding). A missing file is created with a new Ed25519 key, readable by
 * this user alone; an unreadable or malformed one is a ConfigError on identity.keyFile.
 */
export async function loadIdentity (keyFile: string): Promise<PrivateKey> {
  const path = resolve(keyFile)
  const existing = await read(path)
  if (existing != null) { return decode(existing, path) }

  const key = await generateKeyPair('Ed25519')
  // written aside then linked into place: two nodes starting at once with one file never see half a key, and
  // the one that links second takes the first one's key instead of overwriting it
  const aside = `${path}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 })
    await writeFile(aside, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' })
    await link(aside, path)
    return key
  } catch (err: any) {
    if (err.code === 'EEXIST') {
      const written = await read(path)
      if (written != null) { return decode(written, path) }
    }
    throw new ConfigError(FIELD, 'a file this node can create', keyFile, { note: `cannot create ${path}: ${String(err.code ?? err.message)}`, cause: err })
  } finally {
    await rm(aside, { force: true }).catch(() => {})
  }
}

async function read (path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path)
  } catch (err: any) {
    if (err.code === 'ENOENT') { return undefined }
    throw new ConfigError(FIELD, 'a readable key file', path, { note: `cannot read ${path}: ${String(err.code ?? err.message)}`, cause: err })
  }
}

function decode (bytes: Uint8Array, path: string): PrivateKey {
  let key: PrivateKey
  try {
    key = privateKeyFromProtobuf(bytes)
  } catch (err) {
    throw new ConfigError(FIELD, 'a libp2p private key in protobuf encoding (delete the file to make a new identity)', path, {
      note: `${path} holds ${bytes.byteLength} bytes that are not a private key`,
      cause: err
    })
  }
  // members sign their membership records with it, and check each other's with the key read from the peer id
  if (key.type !== 'Ed25519') {
    throw new ConfigError(FIELD, 'an Ed25519 key (delete the file to make a new identity)', path, { note: `${path} holds a ${key.type} key` })
  }
  return key
}
