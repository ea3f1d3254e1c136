// Reads a node's /metrics over HTTP and finds samples in the Prometheus text by name and labels.
import type { FoundationNode } from '../../src/cluster/foundation-node.ts'

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g

export function parseMetrics (text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') { continue }
    const match = LINE.exec(line)
    if (match == null) { throw new Error(`not a Prometheus sample line: ${line}`) }
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) { labels[key] = value }
    samples.push({ name: match[1], labels, value: Number(match[3]) })
  }
  return samples
}

export class Scrape {
  readonly samples: Sample[]
  readonly text: string

  constructor (text: string) {
    this.text = text
    this.samples = parseMetrics(text)
  }

  /** The value of the one sample with this name and these labels (others may exist); throws when there is none. */
  value (name: string, labels: Record<string, string> = {}): number {
    const found = this.samples.find(s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    if (found == null) { throw new Error(`no sample ${name} ${JSON.stringify(labels)}`) }
    return found.value
  }
}

export async function scrape (node: FoundationNode): Promise<Scrape> {
  const response = await fetch(`${node.info().http ?? ''}/metrics`)
  if (response.status !== 200) { throw new Error(`/metrics answered ${response.status}`) }
  return new Scrape(await response.text())
}
