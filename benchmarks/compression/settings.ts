// The compression suite's sizes, links and budgets.
import type { LinkShape } from '../lib/shaped-transports.ts'

export const SIZES: ReadonlyArray<[label: string, bytes: number]> = [['1 KiB', 1024], ['4 KiB', 4096], ['16 KiB', 16 * 1024], ['256 KiB', 256 * 1024]]
export const HEADLINE_SIZE = '4 KiB'
/** at least 30 % fewer bytes on the wire for a 4 KiB JSON-like message */
export const BYTES_TARGET = 0.7
/** `auto` on a LAN: p50 within 5 % of no compression */
export const LAN_P50_TARGET = 1.05

export const LOOPBACK_MODES = ['off', 'auto', 'deflate', 'zstd'] as const
/** bytes of messages per round and mode on loopback */
export const LOOPBACK_BUDGET = 16 * 1024 * 1024
export const LOOPBACK_ROUNDS = 3
export const LAN_CALLS_PER_ROUND = 400
export const LAN_ROUNDS = 6

/** a path between regions: 20 ms round trip, 50 Mbit/s each way */
export const WAN: LinkShape = { oneWayDelayMs: 10, bytesPerSecond: 50_000_000 / 8 }
export const WAN_MODES = ['off', 'auto', 'deflate', 'zstd'] as const
export const WAN_BUDGET = 3 * 1024 * 1024
export const WAN_ROUNDS = 2
export const WAN_CALLS_PER_ROUND = 60
export const WAN_ROUNDS_LATENCY = 3
