// Shared by the configuration tests: the error a call throws, and temporary files removed after each suite.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The error `fn` throws; fails the test when it throws nothing. */
export function thrownBy (fn: () => unknown): Error & { field?: string, received?: unknown } {
  try {
    fn()
  } catch (err: any) {
    return err
  }
  throw new Error('expected an error, none was thrown')
}

export async function thrownByAsync (fn: () => Promise<unknown>): Promise<Error & { field?: string }> {
  try {
    await fn()
  } catch (err: any) {
    return err
  }
  throw new Error('expected an error, none was thrown')
}

/** A temporary folder for a suite's files; call remove() in after(). */
export async function tempFolder (): Promise<{ path: string, file(name: string, content: string | Uint8Array): Promise<string>, remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'foundation-config-'))
  return {
    path,
    file: async (name, content) => {
      const file = join(path, name)
      await writeFile(file, content)
      return file
    },
    remove: async () => { await rm(path, { recursive: true, force: true }) }
  }
}

/** A passphrase good for the production profile. */
export const SECRET = 'correct-horse-battery-staple-42'
