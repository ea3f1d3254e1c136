// The overlay core a simulated node runs (HyParView, client-server, or the one that switches between them by size),
// and how a message reaches it.
import { ClientServerCore } from '../overlay/client-server/index.ts'
import { HyParViewCore } from '../overlay/hyparview/index.ts'
import { SwitchingOverlay } from '../overlay/switching/index.ts'
import type { OverlaySimInit } from './overlay-sim-init.ts'
import type { ClientServerMessage, ClientServerOutput } from '../overlay/client-server/index.ts'
import type { HyParViewMessage, OverlayOutput, Random } from '../overlay/hyparview/index.ts'
import type { SwitchingMessage, SwitchingOutput, SwitchingOverlayInit } from '../overlay/switching/index.ts'

export type SimOverlay = HyParViewCore | ClientServerCore | SwitchingOverlay
export type SimOverlayMessage = HyParViewMessage | ClientServerMessage | SwitchingMessage
export type SimOverlayOutput = OverlayOutput | ClientServerOutput | SwitchingOutput

export interface SimOverlayInit extends Omit<SwitchingOverlayInit, 'random'> {
  now: number
  /** a fresh seeded randomness, drawn only by a core that uses one */
  random(): Random
}

/** The core of a new node, for the simulation's shape. */
export function createOverlay (shape: NonNullable<OverlaySimInit['shape']>, init: SimOverlayInit): SimOverlay {
  const { self, now, hyparview: config, members, inUse } = init
  switch (shape) {
    case 'client-server':
      return new ClientServerCore({ self, config: init.clientServer })
    case 'auto':
      return new SwitchingOverlay({ ...init, random: init.random() })
    default:
      return new HyParViewCore({ self, config, random: init.random(), now, members, inUse })
  }
}

/** What the node's core answered; a switching node answers a message for a core it does not run with a refusal. */
export function receiveOverlay (overlay: SimOverlay, from: string, message: SimOverlayMessage, now: number): SimOverlayOutput {
  if (overlay instanceof HyParViewCore) { return overlay.receive(from, message as HyParViewMessage, now) }
  if (overlay instanceof ClientServerCore) { return overlay.receive(from, message as ClientServerMessage, now) }
  return overlay.receive(from, message as SwitchingMessage, now)
}

/** What a run's fingerprint takes of a core beyond its links: the passive view, the role or the shape. */
export function stateOf (overlay: SimOverlay): string {
  if (overlay instanceof HyParViewCore) { return overlay.passive().sort().join(',') }
  return overlay instanceof ClientServerCore ? overlay.role : overlay.shape
}

export function leaveOverlay (overlay: SimOverlay, now: number): SimOverlayOutput {
  return overlay instanceof ClientServerCore ? overlay.leave() : overlay.leave(now)
}
