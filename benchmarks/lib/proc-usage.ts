// CPU time and I/O bytes of a process from Linux's /proc, for suites that measure node processes left alone.
import { readFile } from 'node:fs/promises'

/** clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux) */
const CLOCK_TICKS = 100

export interface ProcUsage {
  /** user + system CPU, in seconds */
  cpuSeconds: number
  /** bytes read and written through syscalls (rchar + wchar): socket traffic, mostly */
  bytes: number
}

export async function procUsage (pid: number): Promise<ProcUsage> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // the fields after the command name, which may hold spaces, inside parentheses
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const cpuTicks = Number(fields[11]) + Number(fields[12])
  const io = await readFile(`/proc/${pid}/io`, 'utf8')
  const value = (key: string): number => Number(new RegExp(`^${key}: (\\d+)$`, 'm').exec(io)?.[1] ?? 0)
  return { cpuSeconds: cpuTicks / CLOCK_TICKS, bytes: value('rchar') + value('wchar') }
}
