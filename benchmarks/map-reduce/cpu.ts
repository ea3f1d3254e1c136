// CPU time of the processes a run involves, read before and after a job: this process's own (its threads
// included) and each node process's from /proc (its threads included too); and the whole machine's busy time, so a
// run can say how much CPU other processes (not the benchmark's) took meanwhile.
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { procUsage } from '../lib/proc-usage.ts'

/** ms per tick of /proc/stat (USER_HZ, 100 on Linux) */
const TICK_MS = 10

export interface CpuReading {
  /** this process: the coordinator, and in a one-process run everything */
  selfMs: number
  /** the node processes, summed */
  othersMs: number
  /** every core's busy time on the machine, whoever used it (/proc/stat: user, nice, system, irq, softirq) */
  machineMs: number
  /** time the hypervisor ran something else on the machine's virtual cores (/proc/stat steal) */
  stealMs: number
}

/** the machine's busy and stolen CPU ms since boot, every core summed */
export async function machineCpu (): Promise<{ machineMs: number, stealMs: number }> {
  const first = (await readFile('/proc/stat', 'utf8')).split('\n')[0]
  // cpu user nice system idle iowait irq softirq steal ...
  const ticks = first.trim().split(/\s+/).slice(1, 9).map(Number)
  return { machineMs: (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]) * TICK_MS, stealMs: ticks[7] * TICK_MS }
}

export function selfCpuMs (): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/** Reads this process's CPU and the given processes'; a process gone by now counts what it had when last read. */
export class CpuMeter {
  private readonly pids: readonly number[]
  private readonly last = new Map<number, number>()

  constructor (pids: readonly number[] = []) {
    this.pids = pids
  }

  async read (): Promise<CpuReading> {
    let othersMs = 0
    for (const pid of this.pids) {
      try {
        this.last.set(pid, (await procUsage(pid)).cpuSeconds * 1000)
      } catch {
        // exited (killed): its last reading stands
      }
      othersMs += this.last.get(pid) ?? 0
    }
    return { selfMs: selfCpuMs(), othersMs, ...await machineCpu() }
  }

  /** Reads one process's CPU now, synchronously: just before it is killed, so what it spent is not lost. */
  readBeforeKill (pid: number): void {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      this.last.set(pid, (Number(fields[11]) + Number(fields[12])) * TICK_MS)
    } catch {
      // gone already: its last reading stands
    }
  }
}

export function cpuBetween (before: CpuReading, after: CpuReading): CpuReading {
  return { selfMs: after.selfMs - before.selfMs, othersMs: after.othersMs - before.othersMs, machineMs: after.machineMs - before.machineMs, stealMs: after.stealMs - before.stealMs }
}

/** CPU the machine spent on processes other than the run's own while it ran */
export function outsideMs (cpu: CpuReading): number {
  return Math.max(0, cpu.machineMs - cpu.selfMs - cpu.othersMs)
}
