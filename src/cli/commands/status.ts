// `foundation status ADDR`: one node's view of its cluster, fetched from its HTTP endpoint.
import { Command } from 'commander'
import { endpointUrl, fetchInfo } from '../status/fetch-info.ts'
import { fetchJobs } from '../status/fetch-jobs.ts'
import { formatStatus } from '../status/format.ts'
import type { Output } from '../output.ts'

export interface StatusOptions {
  json?: boolean
}

export async function runStatus (addr: string, options: StatusOptions, output: Output): Promise<number> {
  const base = endpointUrl(addr)
  if (options.json === true) {
    output.line(JSON.stringify(await fetchInfo(base), null, 2))
  } else {
    // the jobs are asked at the same time, and given up when /cluster fails the command
    const asking = new AbortController()
    const jobs = fetchJobs(base, asking.signal)
    const info = await fetchInfo(base).catch((err: Error) => {
      asking.abort()
      throw err
    })
    for (const line of formatStatus(info, await jobs)) { output.line(line) }
  }
  return 0
}

export function statusCommand (output: Output, finish: (code: number) => void): Command {
  return new Command('status')
    .description('print a node\'s view of its cluster: members with status and load, actors, health, partition, jobs running')
    .argument('<addr>', 'the node\'s HTTP endpoint: host:port, :port or a URL (foundation dev prints them)')
    .option('--json', 'print the raw JSON of the node\'s /cluster')
    .action(async (addr: string, options: StatusOptions) => { finish(await runStatus(addr, options, output)) })
}
