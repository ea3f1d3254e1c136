// Value <-> bytes for every Foundation payload: MessagePack, the fastest well-kept codec for JS values.
import { Packr } from 'msgpackr'
import { MalformedFrameError } from './errors.ts'

/**
 * A codec instance per protocol endpoint. Records and structured extensions are off so that any
 * peer can decode any frame in isolation (a stream may be reset between frames).
 */
export class Codec {
  private readonly packr = new Packr({ useRecords: false, moreTypes: false, encodeUndefinedAsNil: false, int64AsType: 'number' })

  encode (value: unknown): Uint8Array {
    return this.packr.pack(value)
  }

  decode (bytes: Uint8Array): unknown {
    try {
      return this.packr.unpack(bytes)
    } catch (err: any) {
      throw new MalformedFrameError(`undecodable payload: ${err?.message ?? err}`, { cause: err })
    }
  }
}
