// The overlay suite's figure: broadcast reliability against the share of nodes crashed at once, as the HyParView
// paper plots it, drawn as SVG and rendered to PNG by the Chromium the browser tests use.
import { writeFile } from 'node:fs/promises'
import { chromium } from 'playwright-core'
import { findChromium } from '../../test/fixtures/chromium.ts'
import { mean } from '../lib/stats.ts'
import type { SweepPoint } from './scenario.ts'

const WIDTH = 720
const HEIGHT = 420
const MARGIN = { left: 60, right: 20, top: 40, bottom: 50 }

interface Series { label: string, color: string, dash?: string, value(point: SweepPoint): number }

const SERIES: Series[] = [
  { label: 'Plumtree, 5 s after the crash', color: '#1f77b4', value: p => p.plumtreeAfter5s },
  { label: 'flooding, 5 s after the crash', color: '#ff7f0e', value: p => p.floodAfter5s },
  { label: 'Plumtree, at once', color: '#1f77b4', dash: '5 4', value: p => p.plumtree },
  { label: 'flooding, at once', color: '#ff7f0e', dash: '5 4', value: p => p.flood }
]

export function sweepSvg (points: readonly SweepPoint[], nodes: number, seeds: number): string {
  const shares = [...new Set(points.map(p => p.share))].sort((a, b) => a - b)
  const x = (share: number): number => MARGIN.left + share * (WIDTH - MARGIN.left - MARGIN.right)
  const y = (reliability: number): number => HEIGHT - MARGIN.bottom - reliability * (HEIGHT - MARGIN.top - MARGIN.bottom)
  const lines = SERIES.map((series, i) => {
    const path = shares.map((share, j) => {
      const value = mean(points.filter(p => p.share === share).map(series.value))
      return `${j === 0 ? 'M' : 'L'}${x(share).toFixed(1)},${y(value).toFixed(1)}`
    }).join(' ')
    const legendY = MARGIN.top + 16 + i * 18
    return `<path d="${path}" fill="none" stroke="${series.color}" stroke-width="2" ${series.dash != null ? `stroke-dasharray="${series.dash}"` : ''}/>` +
      `<line x1="${MARGIN.left + 12}" x2="${MARGIN.left + 40}" y1="${legendY + HEIGHT / 2}" y2="${legendY + HEIGHT / 2}" stroke="${series.color}" stroke-width="2" ${series.dash != null ? `stroke-dasharray="${series.dash}"` : ''}/>` +
      `<text x="${MARGIN.left + 46}" y="${legendY + HEIGHT / 2 + 4}" font-size="12">${series.label}</text>`
  }).join('\n')
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1].map(t =>
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>` +
    `<text x="${MARGIN.left - 8}" y="${y(t) + 4}" font-size="12" text-anchor="end">${Math.round(t * 100)}%</text>` +
    `<text x="${x(t)}" y="${HEIGHT - MARGIN.bottom + 18}" font-size="12" text-anchor="middle">${Math.round(t * 100)}%</text>`
  ).join('\n')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${WIDTH / 2}" y="22" font-size="14" text-anchor="middle">Broadcast reliability after a share of ${nodes.toLocaleString('en')} nodes crash at once (mean of ${seeds} seed${seeds === 1 ? '' : 's'}, simulated)</text>
${ticks}
<text x="${WIDTH / 2}" y="${HEIGHT - 10}" font-size="12" text-anchor="middle">nodes crashed at once</text>
<text x="16" y="${HEIGHT / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 16 ${HEIGHT / 2})">live nodes reached</text>
${lines}
</svg>`
}

/** Renders the SVG to a PNG file. */
export async function writePng (svg: string, file: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: findChromium() })
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } })
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`)
    await writeFile(file, await page.screenshot({ type: 'png' }))
  } finally {
    await browser.close()
  }
}
