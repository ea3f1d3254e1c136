// Watches a folder for changed files, ignoring node_modules and .git, and reports each burst of changes once.
import { watch } from 'node:fs'
import type { FSWatcher } from 'node:fs'

/** changes closer together than this are one burst (an editor saving several files, a build writing its output) */
export const DEBOUNCE_MS = 300

const IGNORED = new Set(['node_modules', '.git'])

export interface FolderWatch {
  close(): void
}

/** Calls `onChange` with the changed paths (relative to `dir`) once no change came for `debounceMs`. */
export function watchFolder (dir: string, onChange: (files: string[]) => void, debounceMs = DEBOUNCE_MS): FolderWatch {
  const changed = new Set<string>()
  let timer: NodeJS.Timeout | undefined
  const watcher: FSWatcher = watch(dir, { recursive: true }, (_event, file) => {
    const path = file?.toString() ?? ''
    if (path.split(/[\\/]/).some(part => IGNORED.has(part))) { return }
    changed.add(path)
    clearTimeout(timer)
    timer = setTimeout(() => {
      const files = [...changed]
      changed.clear()
      onChange(files)
    }, debounceMs)
  })
  // a folder removed under us ends the watch; the nodes keep running
  watcher.on('error', () => { watcher.close() })
  return {
    close () {
      clearTimeout(timer)
      watcher.close()
    }
  }
}
