// Watching a discovery strategy in tests: what it sent, its next round, and waiting for a condition.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import type { Candidate, DiscoveryComponents, DiscoveryError, DiscoveryStrategy } from '../../src/discovery/index.ts'

export interface Recorded {
  rounds: Candidate[][]
  errors: DiscoveryError[]
  last(): Candidate[] | undefined
}

/** Everything a strategy sends from now on. */
export function record (strategy: DiscoveryStrategy): Recorded {
  const rounds: Candidate[][] = []
  const errors: DiscoveryError[] = []
  strategy.addEventListener('candidates', (evt) => { rounds.push(evt.detail) })
  strategy.addEventListener('error', (evt) => { errors.push(evt.detail) })
  return { rounds, errors, last: () => rounds.at(-1) }
}

/** The addresses of one round, sorted. */
export function addresses (round: Candidate[] | undefined): string[] {
  return (round ?? []).flatMap(c => c.addresses).sort()
}

export async function waitFor (condition: () => boolean | Promise<boolean>, what: string, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!await condition()) {
    if (Date.now() > deadline) { throw new Error(`timed out after ${timeout} ms waiting for ${what}`) }
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/** A node with a fresh peer id at one address, as strategies see themselves. */
export async function selfAt (ip: string, port: number): Promise<{ peerId: string, addresses: string[], components: DiscoveryComponents }> {
  const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  const own = [`/ip4/${ip}/tcp/${port}/p2p/${peerId}`]
  return { peerId, addresses: own, components: { logger: defaultLogger(), self: { peerId, name: 'self', addresses: () => own } } }
}

export interface Round { candidates?: Candidate[], error?: DiscoveryError }

/** The strategy's next event, candidates or error. */
export async function nextRound (strategy: DiscoveryStrategy, timeout = 10_000): Promise<Round> {
  return new Promise((resolve, reject) => {
    const finish = (round?: Round): void => {
      clearTimeout(timer)
      strategy.removeEventListener('candidates', onCandidates)
      strategy.removeEventListener('error', onError)
      if (round == null) { reject(new Error(`no discovery event within ${timeout} ms`)) } else { resolve(round) }
    }
    const onCandidates = (evt: CustomEvent<Candidate[]>): void => { finish({ candidates: evt.detail }) }
    const onError = (evt: CustomEvent<DiscoveryError>): void => { finish({ error: evt.detail }) }
    const timer = setTimeout(() => { finish() }, timeout)
    strategy.addEventListener('candidates', onCandidates)
    strategy.addEventListener('error', onError)
  })
}

/** The addresses the next round finds; its error if it fails. */
export async function candidatesOf (strategy: DiscoveryStrategy): Promise<string[]> {
  const round = await nextRound(strategy)
  if (round.error != null) { throw round.error }
  return addresses(round.candidates)
}

/** The error the next round reports; fails the test if it finds candidates instead. */
export async function errorOf (strategy: DiscoveryStrategy): Promise<DiscoveryError> {
  const round = await nextRound(strategy)
  expect(round.candidates, 'a candidates event where an error was due').to.be.undefined()
  return round.error as DiscoveryError
}
