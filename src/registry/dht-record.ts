// How registry records live in kad-dht: their key namespace, and the validator and selector kad-dht runs on them.
import { InvalidRegistryRecordError } from './errors.ts'
import { compareRecords, RecordCodec } from './record.ts'
import type { RegistryRecord } from './record.ts'
import type { SelectFn, Selectors, ValidateFn, Validators } from '@libp2p/kad-dht'

/**
 * kad-dht picks validators and selectors by the first key segment, so each cluster gets its own
 * namespace. The cluster is URI-encoded because a `/` in it would split the namespace.
 */
export function registryNamespace (cluster: string): string {
  return `fnd-${encodeURIComponent(cluster)}`
}

export function registryKey (cluster: string, name: string): Uint8Array {
  return new TextEncoder().encode(`/${registryNamespace(cluster)}/${encodeURIComponent(name)}`)
}

/** The name a registry key stands for, or undefined when the key is not in the cluster's namespace. */
export function nameFromKey (cluster: string, key: Uint8Array): string | undefined {
  const prefix = `/${registryNamespace(cluster)}/`
  const text = new TextDecoder().decode(key)

  if (!text.startsWith(prefix)) {
    return undefined
  }

  try {
    return decodeURIComponent(text.slice(prefix.length))
  } catch {
    return undefined
  }
}

/**
 * The validator and selector of one cluster's records, plus a count of the records they rejected.
 * One instance per host: kad-dht needs them at construction, the registry reads the count later.
 */
export class RegistryRecordGuard {
  readonly cluster: string
  readonly namespace: string
  private readonly codec = new RecordCodec()
  private rejected = 0

  constructor (cluster: string) {
    this.cluster = cluster
    this.namespace = registryNamespace(cluster)
  }

  /** malformed records kad-dht was handed (by a put from a peer, a get response, or the local store) */
  get rejectedRecords (): number {
    return this.rejected
  }

  /** Decodes a record and checks that it is filed under its own name; throws InvalidRegistryRecordError. */
  check (key: Uint8Array, value: Uint8Array): RegistryRecord {
    const record = this.codec.decode(value)
    const name = nameFromKey(this.cluster, key)

    if (name !== record.name) {
      throw new InvalidRegistryRecordError(`record for "${record.name}" is stored under another key`)
    }

    return record
  }

  readonly validate: ValidateFn = (key, value) => {
    try {
      this.check(key, value)
    } catch (err) {
      this.rejected++
      throw err
    }
  }

  /** The newest valid record wins; invalid ones never do. */
  readonly select: SelectFn = (key, values) => {
    let best = 0
    let bestRecord: RegistryRecord | undefined

    values.forEach((value, index) => {
      let record: RegistryRecord
      try {
        record = this.check(key, value)
      } catch {
        return
      }

      if (bestRecord == null || compareRecords(record, bestRecord) > 0) {
        best = index
        bestRecord = record
      }
    })

    return best
  }

  get validators (): Validators {
    return { [this.namespace]: this.validate }
  }

  get selectors (): Selectors {
    return { [this.namespace]: this.select }
  }
}
