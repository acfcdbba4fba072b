/** Terminal renderings shared by `scoreline runs` and `scoreline models`. */
import { UserError } from '../framework'

export const fmtNum = (x: number | null | undefined, digits = 4): string =>
  x === null || x === undefined || !Number.isFinite(x)
    ? '—'
    : Number.isInteger(x) && Math.abs(x) < 1e9
      ? String(x)
      : x.toFixed(digits)

export const fmtTime = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + 'Z'

/** Columns padded to their widest cell; numbers right-aligned. */
export function table(header: string[], rows: string[][], numeric: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n'
}

/** The mark on a list answered from this desktop's copy while the MLflow server is unreachable (#21). */
export function offlineLine(what: string, asOf: number | null | undefined, error?: string | null): string {
  // the error's first sentence names the host and the cause: "Cannot reach the MLflow server at … (connection refused)"
  const cause = error?.split(/\.\s|\n/)[0] || 'the MLflow server did not answer'
  return `offline, as of ${fmtTime(asOf)}: ${cause}; these ${what} are this desktop's copy (\`scoreline runs status\` says when it is back)\n`
}

/** MLflow's own refusals (unknown run or model, bad filter, credentials) are errors the user can fix: exit 1. */
export async function trackingUserErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    const code = (error as { code?: unknown })?.code
    if (typeof code === 'string' && /^MLFLOW_(NOT_FOUND|AUTH|INVALID|ALREADY_EXISTS)$/.test(code))
      throw new UserError((error as Error).message, code)
    throw error
  }
}
