// A connection whose bytes are XORed with the private network's keystream, one per direction, as libp2p pnet does.
import { AbstractMultiaddrConnection } from '@libp2p/utils'
import type { Keystream } from './keystream.ts'
import type { AbortOptions, Logger, MultiaddrConnection } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * The most bytes encrypted in one go: what was queued while the socket drained is taken in pieces of this size, so
 * no single write allocates more than this, however far behind the connection is.
 */
export const MAX_CHUNK_BYTES = 64 * 1024

export interface ProtectedConnectionInit {
  /** the connection under the protection, nonces already exchanged */
  connection: MultiaddrConnection
  outbound: Keystream
  inbound: Keystream
  log: Logger
}

export class ProtectedConnection extends AbstractMultiaddrConnection {
  private readonly connection: MultiaddrConnection
  private readonly outbound: Keystream
  private readonly inbound: Keystream

  constructor (init: ProtectedConnectionInit) {
    super({
      log: init.log,
      remoteAddr: init.connection.remoteAddr,
      direction: init.connection.direction,
      maxMessageSize: MAX_CHUNK_BYTES
    })
    this.connection = init.connection
    this.outbound = init.outbound
    this.inbound = init.inbound
    this.connection.addEventListener('message', (evt) => {
      try {
        this.onData(this.decrypt(evt.data))
      } catch (err: any) {
        this.abort(err)
      }
    })
    this.connection.addEventListener('drain', () => { this.onMuxerDrain() })
    this.connection.addEventListener('close', (evt) => {
      if (evt.error == null) {
        this.onTransportClosed()
      } else if (evt.local) {
        this.abort(evt.error)
      } else {
        this.onRemoteReset()
      }
    })
  }

  async sendClose (options?: AbortOptions): Promise<void> {
    await this.connection.close(options)
  }

  sendData (data: Uint8ArrayList): { sentBytes: number, canSendMore: boolean } {
    const sealed = new Uint8Array(data.byteLength)
    let offset = 0
    for (const piece of data) {
      this.outbound.xor(piece, sealed.subarray(offset, offset + piece.byteLength))
      offset += piece.byteLength
    }
    return { sentBytes: sealed.byteLength, canSendMore: this.connection.send(sealed) }
  }

  sendReset (err: Error): void {
    this.connection.abort(err)
  }

  sendPause (): void {
    this.connection.pause()
  }

  sendResume (): void {
    this.connection.resume()
  }

  private decrypt (data: Uint8Array | Uint8ArrayList): Uint8Array {
    const opened = new Uint8Array(data.byteLength)
    if (data instanceof Uint8Array) {
      this.inbound.xor(data, opened)
      return opened
    }
    let offset = 0
    for (const piece of data) {
      this.inbound.xor(piece, opened.subarray(offset, offset + piece.byteLength))
      offset += piece.byteLength
    }
    return opened
  }
}
