/**
 * The files a pipeline run stores with its tracking run: the model as JSON (every parameter needed to
 * predict without the app), per-match out-of-sample predictions, team ratings, and a reliability diagram.
 */
import type { FittedModel } from '../../model/dixonColes'
import type { BacktestRow } from '../../model/backtest'
import type { Calibrator } from '../../model/calibration'
import type { BlendKind } from '../../model/blend'
import { MARGIN_METHODS, type MarginMethod } from '../../model/market'
import { csvCell } from '../../core/csvCell'
import { ece } from '../../model/metrics/scores'
import type { Outcome, Triple } from '../../model/metrics/probabilities'

/**
 * The margin removal and opinion pool a champion was evaluated with, as its artifact records them (the run's
 * `margin_method` setting, the blend's kind): what the jackpots, `fixtures price` and the feature views price
 * it with. An artifact without a known margin method gets `fallback`.
 */
export function artifactPricing(
  artifact: Pick<ModelArtifact, 'settings' | 'blend'>,
  fallback: MarginMethod = 'shin',
): { margin: MarginMethod; blend: BlendKind } {
  const setting = String(artifact.settings?.margin_method ?? '')
  return {
    margin: (MARGIN_METHODS as readonly string[]).includes(setting) ? (setting as MarginMethod) : fallback,
    blend: artifact.blend?.kind === 'linear' ? 'linear' : 'log',
  }
}

export interface ModelArtifact {
  format: 'scoreline-dixon-coles/1'
  league: string
  model: FittedModel
  blend: { kind: string; alpha: number | null }
  calibrator: Calibrator | null
  settings: Record<string, unknown>
  /**
   * The goal-model variant whose walk-forward was evaluated (absent in artifacts written before variants):
   * its id, hyper-parameters, how `auto` chose it, and its own fit summary (null for dixon-coles / poisson,
   * whose fit is `model`).
   */
  variant?: {
    id: string
    label: string
    params: Record<string, number>
    selection: unknown
    summary: Record<string, unknown> | null
    note: string | null
  }
  dataFingerprint: string
  evalWindow: string
  howToPredict: string
  /**
   * Teams with a match in the latest season (#20): current-league views (ratings tables) show these only;
   * the model keeps the others (relegated sides) for the rest of its window. Absent before #20.
   */
  currentTeams?: string[]
}

// The app's one CSV cell writer: quotes as needed and defuses text a spreadsheet would run as a
// formula (team names come from imported files and are not trusted).
const csvLine = (cells: unknown[]) =>
  cells.map((v) => csvCell(v === null || v === undefined || typeof v === 'number' ? v : String(v))).join(',')

/**
 * The walk-forward's per-match forecasts; `match_id` (the store's id, from `matchIdOf`) lets two versions be
 * compared on the identical matches later (#20).
 */
export function predictionsCsv(
  rows: readonly BacktestRow[],
  matchIdOf: (row: BacktestRow) => number | null = () => null,
): string {
  const head = ['match_id', 'date', 'home', 'away', 'home_goals', 'away_goals', 'result']
  const sets = ['model', 'market', 'blend', 'calibrated'] as const
  for (const s of sets) head.push(`${s}_h`, `${s}_d`, `${s}_a`)
  head.push('alpha', 'skip_reason')
  const lines = [head.join(',')]
  for (const r of rows) {
    const cells: unknown[] = [matchIdOf(r), r.date, r.home, r.away, r.homeGoals, r.awayGoals, r.result]
    for (const s of sets) cells.push(...(r[s] ?? [null, null, null]))
    cells.push(r.alpha, r.skipReason)
    lines.push(csvLine(cells))
  }
  return lines.join('\n') + '\n'
}

/** Team ratings; `current` 0 marks a team not in the latest season (hidden from current-league views). */
export function ratingsCsv(model: FittedModel, current?: ReadonlySet<string>): string {
  const lines = ['team,attack,defence,attack_se,defence_se,matches,current']
  for (const t of [...model.teams].sort((a, b) => b.attack - b.defence - (a.attack - a.defence))) {
    const now = current ? (current.has(t.name) ? 1 : 0) : 1
    lines.push(csvLine([t.name, t.attack, t.defence, t.attackSe, t.defenceSe, t.matches, now]))
  }
  return lines.join('\n') + '\n'
}

export type ReliabilityForecast = 'model' | 'market' | 'blend' | 'calibrated'

/**
 * Reliability diagram of one forecast (the calibrated one unless told): every (match, outcome) pair binned
 * into 10 equal-width bins of forecast probability; dots at (mean forecast, observed frequency), area ∝
 * count. It names the forecast and its match count, prints the app's ECE (top-label, the `*_ece` metric)
 * and has ticks at 0, 0.2, …, 1 on both axes (#21).
 */
export function reliabilitySvg(
  rows: readonly BacktestRow[],
  title: string,
  forecast: ReliabilityForecast = 'calibrated',
): string {
  const bins = Array.from({ length: 10 }, () => ({ p: 0, hit: 0, n: 0 }))
  const preds: Triple[] = []
  const outcomes: number[] = []
  for (const r of rows) {
    const f = r[forecast]
    if (!f) continue
    const outcome = r.result === 'H' ? 0 : r.result === 'D' ? 1 : 2
    preds.push(f)
    outcomes.push(outcome)
    f.forEach((p, k) => {
      const b = bins[Math.min(9, Math.floor(p * 10))]
      b.p += p
      b.hit += k === outcome ? 1 : 0
      b.n += 1
    })
  }
  const size = 320
  const pad = 48
  const top = 44
  const x = (p: number) => pad + p * (size - 2 * pad)
  const y = (p: number) => size - pad - p * (size - pad - top)
  const max = Math.max(1, ...bins.map((b) => b.n))
  const dots = bins
    .filter((b) => b.n > 0)
    .map(
      (b) =>
        `<circle cx="${x(b.p / b.n).toFixed(1)}" cy="${y(b.hit / b.n).toFixed(1)}" r="${(2 + 6 * Math.sqrt(b.n / max)).toFixed(1)}" fill="#2563eb" fill-opacity="0.7"><title>forecast ${(b.p / b.n).toFixed(3)}, observed ${(b.hit / b.n).toFixed(3)}, n = ${b.n}</title></circle>`,
    )
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1].flatMap((t) => {
    const label = t.toFixed(1)
    return [
      `<line x1="${x(t)}" y1="${y(0)}" x2="${x(t)}" y2="${y(0) + 4}" stroke="#666"/>`,
      `<text x="${x(t)}" y="${y(0) + 15}" text-anchor="middle">${label}</text>`,
      `<line x1="${x(0) - 4}" y1="${y(t)}" x2="${x(0)}" y2="${y(t)}" stroke="#666"/>`,
      `<text x="${x(0) - 6}" y="${y(t) + 4}" text-anchor="end">${label}</text>`,
    ]
  })
  const eceText = preds.length > 0 ? ece(preds, outcomes as Outcome[]).toFixed(4) : '—'
  const subtitle = `${forecast} forecast (H/D/A), ${preds.length} matches · ECE (top-label) ${eceText}`
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" font-family="sans-serif" font-size="11">`,
    `<text x="${size / 2}" y="16" text-anchor="middle">${esc(title)}</text>`,
    `<text x="${size / 2}" y="32" text-anchor="middle" data-forecast="${forecast}">${esc(subtitle)}</text>`,
    `<rect x="${x(0)}" y="${y(1)}" width="${x(1) - x(0)}" height="${y(0) - y(1)}" fill="none" stroke="#999"/>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#999" stroke-dasharray="4 3"/>`,
    ...ticks,
    `<text x="${size / 2}" y="${size - 10}" text-anchor="middle">forecast probability</text>`,
    `<text x="12" y="${(y(0) + y(1)) / 2}" text-anchor="middle" transform="rotate(-90 12 ${(y(0) + y(1)) / 2})">observed frequency</text>`,
    ...dots,
    '</svg>',
    '',
  ].join('\n')
}
