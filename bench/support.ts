/** What every bench/*.bench.ts reports, and the small helpers they share. */
import { pathToFileURL } from 'node:url'

export interface BenchResult {
  name: string
  median_ms: number
  runs: number
  target_ms?: number
  note?: string
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Median wall time (ms) of `runs` timed calls of a synchronous `fn` after `warmup` untimed ones. */
export function timeMedian(fn: () => unknown, runs: number, warmup = 3): number {
  for (let i = 0; i < warmup; i++) fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    fn()
    times.push(performance.now() - t0)
  }
  return median(times)
}

/** Wall times (ms) of `times` awaited calls of `fn`, one after another, no warm-up. */
export async function timedRuns(times: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < times; i++) {
    const t = performance.now()
    await fn()
    out.push(performance.now() - t)
  }
  return out
}

/** True when the module is the script node/tsx was started with (`npx tsx bench/x.bench.ts`). */
export function isMain(metaUrl: string): boolean {
  return Boolean(process.argv[1]) && metaUrl === pathToFileURL(process.argv[1]).href
}

/** The table a bench prints when run on its own (`npm run bench` prints one table for all). */
export function printResults(rows: readonly BenchResult[]): void {
  console.table(
    rows.map((r) => ({
      name: r.name,
      'median ms': r.median_ms,
      runs: r.runs,
      'target ms': r.target_ms ?? '',
      ok: r.target_ms === undefined ? '' : r.median_ms <= r.target_ms ? 'yes' : 'NO',
      note: r.note ?? '',
    })),
  )
}
