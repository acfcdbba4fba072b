/**
 * `npm run bench`: runs every bench/*.bench.ts (each exports `run()` returning its figures) and
 * prints one table. `npm run bench -- dixonColes` runs the files whose name contains the filter.
 */
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

import type { BenchResult } from './support'

const here = path.dirname(fileURLToPath(import.meta.url))
const filters = process.argv.slice(2)
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((filter) => f.includes(filter)))
  .sort()

const rows: (BenchResult & { suite: string })[] = []
let failed = false
for (const file of files) {
  const suite = file.replace(/\.bench\.ts$/, '')
  process.stderr.write(`running ${suite}…\n`)
  try {
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as {
      run?: () => Promise<BenchResult[]>
    }
    if (typeof mod.run !== 'function') throw new Error('exports no run()')
    for (const result of await mod.run()) rows.push({ suite, ...result })
  } catch (error) {
    failed = true
    rows.push({ suite, name: `FAILED: ${(error as Error).message}`, median_ms: NaN, runs: 0 })
  }
}

const fmt = (ms: number) =>
  Number.isFinite(ms) ? (ms < 1 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(2) : ms.toFixed(0)) : '—'
const table = rows.map((r) => ({
  suite: r.suite,
  case: r.name,
  'median ms': fmt(r.median_ms),
  runs: String(r.runs),
  target: r.target_ms === undefined ? '' : `≤ ${r.target_ms} ms`,
  verdict: r.target_ms === undefined ? '' : r.median_ms <= r.target_ms ? 'ok' : 'MISSED',
  note: r.note ?? '',
}))
const headers = Object.keys(table[0] ?? { suite: '' }) as (keyof (typeof table)[number])[]
const widths = headers.map((h) => Math.max(h.length, ...table.map((row) => row[h].length)))
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ')
console.log(line(headers))
console.log(line(widths.map((w) => '-'.repeat(w))))
for (const row of table) console.log(line(headers.map((h) => row[h])))
process.exitCode = failed ? 1 : 0
