// Waits until a connected peer has joined as a member: a peer of another cluster, or no Foundation node, never does.
import { AbortError } from '../messaging/errors.ts'
import { JoinTimeoutError } from './errors.ts'
import type { Member, Membership } from '../membership/index.ts'

export async function waitForMember (membership: Membership, id: string, timeout: number, signal?: AbortSignal): Promise<void> {
  if (membership.isActive(id)) { return }
  await new Promise<void>((resolve, reject) => {
    const onJoin = (evt: CustomEvent<Member>): void => {
      if (evt.detail.id !== id) { return }
      cleanup()
      resolve()
    }
    const onAbort = (): void => { cleanup(); reject(new AbortError(signal?.reason)) }
    const timer = setTimeout(() => { cleanup(); reject(new JoinTimeoutError(id, timeout)) }, timeout)
    const cleanup = (): void => {
      clearTimeout(timer)
      membership.removeEventListener('member:join', onJoin)
      signal?.removeEventListener('abort', onAbort)
    }
    membership.addEventListener('member:join', onJoin)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
