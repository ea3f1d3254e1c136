// Units for durations (milliseconds) and sizes (bytes), so every default reads as what it means.
export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const KIB = 1024
export const MIB = 1024 * KIB
