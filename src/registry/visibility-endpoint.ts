// The registry's '$registry' endpoint: hands a member a write and reads back what it resolves, and answers the same
// question from members; every message either way is checked, and a malformed one is counted.
import { RegistryNotStartedError, RegistryRpcMissingError } from './errors.ts'
import { sameRef } from './record.ts'
import { VisibilityCodec } from './visibility-wire.ts'
import type { RegistryRpc } from './index.ts'
import type { RegistryRecord } from './record.ts'
import type { VisibilityAnswer } from './visibility-wire.ts'
import type { ActorRef } from '../actors/ref.ts'
import type { Logger } from '@libp2p/interface'

export interface VisibilityEndpointComponents {
  rpc?: RegistryRpc
  log: Logger
  /** folds another node's write in, as if announced */
  apply(record: RegistryRecord): void
  /** the newest record of the name this node knows, held or cached */
  current(name: string): RegistryRecord | undefined
  /** what a lookup of this record would return here: its ref, or undefined */
  visible(record: RegistryRecord | undefined): ActorRef | undefined
  running(): boolean
}

export interface VisibilityEndpointInit {
  /** how long one member may take to answer */
  timeout: number
}

export class VisibilityEndpoint {
  private readonly components: VisibilityEndpointComponents
  private readonly timeout: number
  private readonly codec = new VisibilityCodec()
  private invalid = 0

  constructor (components: VisibilityEndpointComponents, init: VisibilityEndpointInit) {
    this.components = components
    this.timeout = init.timeout
  }

  /** malformed requests and answers */
  get invalidMessages (): number {
    return this.invalid
  }

  get available (): boolean {
    return this.components.rpc != null
  }

  start (): void {
    this.components.rpc?.serve(this.answer)
  }

  stop (): void {
    this.components.rpc?.serve(undefined)
  }

  /** Hands a member a write and returns what the member now resolves the name to. */
  readonly ask = async (member: string, record: RegistryRecord, signal: AbortSignal): Promise<VisibilityAnswer> => {
    const { rpc } = this.components
    if (rpc == null) {
      throw new RegistryRpcMissingError()
    }
    const body = await rpc.call(member, this.codec.request(record), { timeout: this.timeout, signal })
    try {
      return this.codec.readAnswer(body, record.name)
    } catch (err) {
      this.rejected(member, err)
      throw err
    }
  }

  /** A member hands this node a write: fold it in as if announced, and say what the name resolves to now. */
  private readonly answer = async (body: unknown, from: string): Promise<unknown> => {
    let record: RegistryRecord
    try {
      record = this.codec.readRequest(body)
    } catch (err) {
      this.rejected(from, err)
      throw err
    }
    if (!this.components.running()) {
      throw new RegistryNotStartedError()
    }

    this.components.apply(record)
    const current = this.components.current(record.name)
    const resolved = this.components.visible(current)
    return this.codec.answer({ sees: resolved != null && sameRef(resolved, record.ref), record: current })
  }

  private rejected (from: string, err: unknown): void {
    this.invalid++
    this.components.log.error('rejected a malformed registry message from %s - %e', from, err)
  }
}
