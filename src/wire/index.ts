// Bytes on a libp2p stream: values encoded with MessagePack, in length-prefixed frames, coalesced per peer.
export { FrameTooLargeError, MalformedFrameError, TruncatedFrameError } from './errors.ts'
export type { FrameReaderOptions } from './frame-reader.ts'
export type { PeerChannelInit } from './peer-channel.ts'
