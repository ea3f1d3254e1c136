// The `score` task of the map-reduce example: the module piscina loads in each node's worker threads (its default
// export runs one chunk), and that main.ts imports too, to check the cluster's result against a local run.
//
// The model stands in for real CPU-bound work: an ensemble of small neural networks with fixed weights, about
// 0.2 ms of floating-point arithmetic per row on a laptop core.

export interface Row {
  id: number
  /** 8 numbers from -1 to 1 */
  features: number[]
}

/** What one chunk gives back: integer points, so the sums are exact in whatever order chunks are reduced. */
export interface ChunkScore {
  sum: number
  count: number
}

const MODELS = 128
const HIDDEN = 32
const FEATURES = 8

// the same weights in every thread: each one a fixed function of its place, shared by the models give or take a
// little, so they mostly agree and a row's score depends on its features
const weights = new Float64Array(MODELS * HIDDEN * FEATURES)
const outputs = new Float64Array(MODELS * HIDDEN)
for (let i = 0; i < weights.length; i++) { weights[i] = Math.sin((i % (HIDDEN * FEATURES)) * 12.9898) + 0.2 * Math.sin(i * 78.233) }
for (let i = 0; i < outputs.length; i++) { outputs[i] = Math.cos((i % HIDDEN) * 4.1414) + 0.2 * Math.sin(i * 37.719) }

/** A row's score: the ensemble's mean vote, in points from 0 to 1000. */
export function scoreRow (row: Row): number {
  const x = row.features
  let votes = 0
  for (let m = 0; m < MODELS; m++) {
    let out = 0
    for (let j = 0; j < HIDDEN; j++) {
      const base = (m * HIDDEN + j) * FEATURES
      let h = 0
      for (let i = 0; i < FEATURES; i++) { h += weights[base + i] * x[i] }
      out += outputs[m * HIDDEN + j] * Math.tanh(h)
    }
    votes += 1 / (1 + Math.exp(-out))
  }
  return Math.round(1000 * votes / MODELS)
}

/** One chunk: the sum of its rows' scores, and how many rows it had. */
export default function scoreChunk (rows: Row[]): ChunkScore {
  let sum = 0
  for (const row of rows) { sum += scoreRow(row) }
  return { sum, count: rows.length }
}
