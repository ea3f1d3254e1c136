// Building blocks for tests and power users: the parts behind the public API, unsupported as API.
export { FoundationNode, startFoundationNode } from './cluster/foundation-node.ts'
export { resolveConfig } from './config/resolve.ts'
export { createHost, mdnsServiceTag } from './node/create-host.ts'
export { protocolName } from './node/protocols.ts'
export { Codec } from './wire/codec.ts'
export { encodeFrame, encodeFrames, FrameDecoder } from './wire/frames.ts'
export { FrameTooLargeError, MalformedFrameError, TruncatedFrameError } from './wire/errors.ts'
export { redactedConfig } from './config/redact.ts'
