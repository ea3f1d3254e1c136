// Passes a part's events on to the node, so an application listens to the node alone.
import type { TypedEventTarget } from '@libp2p/interface'

/** Each event of `types` that `source` dispatches, `target` dispatches again with the same detail. */
export function forwardEvents<Events extends Record<string, any>, Type extends keyof Events & string> (
  source: Pick<TypedEventTarget<Pick<NoInfer<Events>, Type>>, 'addEventListener'>,
  target: TypedEventTarget<Events>,
  types: readonly Type[]
): void {
  for (const type of types) {
    source.addEventListener(type, (evt) => { target.safeDispatchEvent(type, { detail: evt.detail }) })
  }
}
