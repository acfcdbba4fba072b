/**
 * The faults run's report: every scenario appends one JSON line (scenario, runs, failures, data lost,
 * recovery time, p99 where it applies) to a file named by the global setup; the teardown prints the table.
 * A scenario that throws is still recorded (as a failure), so the table never hides a red test.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { inject, it } from 'vitest'

export interface ScenarioRow {
  scenario: string
  /** How many times the fault was injected (or the operation run under it). */
  runs: number
  failures: number
  /** Rows, runs or items missing or duplicated after recovery; must be 0. */
  dataLost: number
  /** Time from the fault ending (service back, process restarted) to the operation complete again. */
  recoveryMs: number | null
  p99Ms?: number | null
  note?: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    faultsReportFile: string
  }
}

export function appendRow(file: string, row: ScenarioRow): void {
  appendFileSync(file, JSON.stringify(row) + '\n')
}

export function readRows(file: string): ScenarioRow[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ScenarioRow)
}

function reportFile(): string | undefined {
  try {
    return inject('faultsReportFile')
  } catch {
    return undefined // run outside the faults config (e.g. a single file by hand): nothing to append to
  }
}

export function record(row: ScenarioRow): void {
  const file = reportFile()
  if (file) appendRow(file, row)
}

/**
 * A test that is one line of the report. The body fills in runs, data lost and recovery time; a throw
 * counts as (at least) one failure and is re-thrown.
 */
export function scenario(name: string, body: (row: ScenarioRow) => Promise<void>, timeoutMs?: number): void {
  it(
    name,
    async () => {
      const row: ScenarioRow = { scenario: name, runs: 0, failures: 0, dataLost: 0, recoveryMs: null }
      try {
        await body(row)
      } catch (error) {
        row.failures = Math.max(1, row.failures)
        row.note = String((error as Error)?.message ?? error)
          .split('\n')[0]
          .slice(0, 100)
        throw error
      } finally {
        record(row)
      }
    },
    timeoutMs,
  )
}

/** A scenario that cannot run here, with the reason in the table. */
export function skippedScenario(name: string, reason: string): void {
  it.skip(`${name} — skipped: ${reason}`, () => undefined)
  record({ scenario: name, runs: 0, failures: 0, dataLost: 0, recoveryMs: null, note: `skipped: ${reason}` })
}

const fmtMs = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? '—' : String(Math.round(ms))

export function formatTable(rows: ScenarioRow[]): string {
  const header = ['scenario', 'runs', 'failures', 'data lost', 'recovery (ms)', 'p99 (ms)', 'note']
  const body = rows.map((r) => [
    r.scenario,
    String(r.runs),
    String(r.failures),
    String(r.dataLost),
    fmtMs(r.recoveryMs),
    fmtMs(r.p99Ms),
    r.note ?? '',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`
  const totals = rows.reduce(
    (t, r) => ({ runs: t.runs + r.runs, failures: t.failures + r.failures, lost: t.lost + r.dataLost }),
    { runs: 0, failures: 0, lost: 0 },
  )
  return [
    line(header),
    sep,
    ...body.map(line),
    '',
    `${rows.length} scenarios, ${totals.runs} runs, ${totals.failures} failures, ${totals.lost} data lost`,
  ].join('\n')
}

/**
 * Scenarios that need a shared service (URL from SCORELINE_TEST_*): without it they are listed as skipped,
 * or fail when SCORELINE_REQUIRE_SERVICES=1 (CI).
 */
export function needsService(url: string | undefined, envName: string, names: string[]): boolean {
  if (url) return true
  const reason = `${envName} not set`
  if (process.env.SCORELINE_REQUIRE_SERVICES === '1') {
    for (const name of names)
      scenario(name, async () => {
        throw new Error(`${reason} (SCORELINE_REQUIRE_SERVICES=1 turns this skip into a failure)`)
      })
  } else {
    for (const name of names) skippedScenario(name, reason)
  }
  return false
}
