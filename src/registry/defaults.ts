// Defaults of the registry's options, with their units.
import { MINUTE, SECOND } from '../config/units.ts'

/** how long a lookup waits on the DHT before answering "not found" */
export const DEFAULT_LOOKUP_TIMEOUT = 2 * SECOND
/** how long a register or unregister waits for the DHT to store its record; the write is kept locally either way */
export const DEFAULT_WRITE_TIMEOUT = 5 * SECOND
/** how long stop waits to unregister this node's names */
export const DEFAULT_STOP_TIMEOUT = 2 * SECOND
/** age after which a cached name is read again from the DHT, in case its invalidation was lost */
export const DEFAULT_CACHE_TTL = MINUTE
/** how long "this name is nowhere" is believed before the DHT is asked again */
export const DEFAULT_NEGATIVE_CACHE_TTL = SECOND
/** how often this node's records are written to the DHT again: peers drop records older than a day */
export const DEFAULT_REPUBLISH_INTERVAL = 60 * MINUTE
/** names cached from other nodes; the least recently written are forgotten first */
export const DEFAULT_MAX_CACHE_ENTRIES = 10_000
/** how long a register that asks for visibility waits for every member to resolve the name */
export const DEFAULT_VISIBILITY_TIMEOUT = 10 * SECOND
