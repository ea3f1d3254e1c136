// Bytes in lowercase hex on any platform (a browser has no Buffer).

/** The two hex digits of each byte value. */
const DIGITS: readonly string[] = Object.freeze(Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0')))

/**
 * From this many bytes on, the digits are written to a byte array and decoded at once: a string joined a byte at a
 * time costs about 5 times as much at 4 KiB, while for an id of 8 or 16 bytes making the array costs more.
 */
const DECODED_FROM = 128

/** The bytes of `bytes` from `start` up to `end` (all of it by default), two digits a byte. */
export function toHex (bytes: Uint8Array, start = 0, end = bytes.byteLength): string {
  if (end - start >= DECODED_FROM) { return decodedHex(bytes, start, end) }
  let hex = ''
  for (let i = start; i < end; i++) { hex += DIGITS[bytes[i]] }
  return hex
}

function decodedHex (bytes: Uint8Array, start: number, end: number): string {
  const codes = new Uint8Array(2 * (end - start))
  for (let i = start, at = 0; i < end; i++, at += 2) {
    codes[at] = digitCode(bytes[i] >> 4)
    codes[at + 1] = digitCode(bytes[i] & 15)
  }
  return new TextDecoder().decode(codes)
}

/** The character code of a hex digit: '0' to '9', then 'a' to 'f'. */
function digitCode (nibble: number): number {
  return nibble < 10 ? 48 + nibble : 87 + nibble
}
