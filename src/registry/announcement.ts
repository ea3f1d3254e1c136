// The gossip frame that tells every cache about a registry write: a unique 16-byte id, then the record.

/**
 * 8 bytes of per-registry random nonce and 8 of sequence. gossipsub deduplicates by message id, and
 * in this cluster the id is either a hash of the bytes or their first 16 bytes: a unique prefix keeps
 * two writes of one name (register, then unregister) from being dropped as the same message.
 */
export const ANNOUNCEMENT_ID_LENGTH = 16

export function registryTopic (cluster: string): string {
  return `foundation/${cluster}/registry`
}

export class AnnouncementFramer {
  private readonly nonce = crypto.getRandomValues(new Uint8Array(8))
  private sequence = 0

  frame (record: Uint8Array): Uint8Array {
    const out = new Uint8Array(ANNOUNCEMENT_ID_LENGTH + record.byteLength)
    const view = new DataView(out.buffer)
    out.set(this.nonce, 0)
    this.sequence++
    view.setUint32(8, Math.floor(this.sequence / 2 ** 32))
    view.setUint32(12, this.sequence >>> 0)
    out.set(record, ANNOUNCEMENT_ID_LENGTH)
    return out
  }

  /** The record bytes of a frame, or undefined when the frame is too short to hold one. */
  unframe (data: Uint8Array): Uint8Array | undefined {
    return data.byteLength > ANNOUNCEMENT_ID_LENGTH ? data.subarray(ANNOUNCEMENT_ID_LENGTH) : undefined
  }
}
