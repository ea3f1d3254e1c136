// Strings decoded from a frame can be slices of one string made of all the frame's text (msgpackr decodes a frame's
// strings in one go, and V8 keeps a slice of 13 characters or more as a view of its parent). A slice kept for long
// keeps the whole parent alive: a name kept for an hour would hold its frame's every string for that hour.

/** V8 copies shorter slices instead of viewing their parent */
const SHORTEST_VIEW = 13

/** A copy of `text` that holds nothing else alive. */
export function ownedText (text: string): string {
  return text.length < SHORTEST_VIEW ? text : JSON.parse(JSON.stringify(text))
}

/**
 * Keeps one copy of each string seen often (peer ids, actor types): the entries of a table hold that copy, not one
 * of their own each. Bounded: once full it starts again empty, which costs a copy per string, never a wrong answer.
 */
export class TextInterner {
  private readonly known = new Map<string, string>()
  private readonly limit: number

  constructor (limit: number) {
    this.limit = limit
  }

  intern (text: string): string {
    const known = this.known.get(text)
    if (known !== undefined) { return known }
    if (this.known.size >= this.limit) { this.known.clear() }
    const owned = ownedText(text)
    this.known.set(owned, owned)
    return owned
  }
}
