// What a pod knows about itself from its mounted service account: its token, the cluster's CA and its namespace.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DiscoveryError } from '../errors.ts'

export const DEFAULT_SERVICE_ACCOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount'

export interface ServiceAccountFiles {
  token: string
  ca: string
  namespace: string
}

export function serviceAccountFiles (folder: string): ServiceAccountFiles {
  return { token: join(folder, 'token'), ca: join(folder, 'ca.crt'), namespace: join(folder, 'namespace') }
}

/** A file's text, or undefined when there is no such file (outside a pod, or with automount off). */
export async function readOptional (path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (err: any) {
    if (err.code === 'ENOENT') { return undefined }
    throw new DiscoveryError('kubernetes', `cannot read ${path} (${err.code ?? err.message})`, { cause: err })
  }
}
