/**
 * What the walk-forward commands (`backtest`, `compare-models`) share: the period and blend flags, the
 * played matches of the season files with the variant extras, the league check, and the metric cells of
 * their tables.
 */
import {
  DEFAULT_MIN_HISTORY,
  DEFAULT_WINDOW_YEARS,
  type BacktestMatch,
  type CalibrationKind,
} from '../../model/backtest'
import type { BlendKind } from '../../model/blend'
import { MARGIN_METHODS, type MarginMethod } from '../../model/market'
import type { MetricsSummary } from '../../model/metrics'
import type { MarketOdds, MarketPreference, ParsedMatch } from '../../services/data/csv'
import { UserError, type CommandContext } from '../framework'
import { fixed, parseDate, parseNumber, stringOption, variantExtras } from './modelInput'

/** The season files (positionals) and `--from` / `--to`; `what` ends "Give the football-data CSV files to …". */
export function periodFlags(ctx: CommandContext, what: string): { from: string; to: string | undefined } {
  if (ctx.positionals.length === 0) throw new UserError(`Give the football-data CSV files to ${what} on.`)
  const from = parseDate(stringOption(ctx, 'from'), 'from')
  if (from === undefined) throw new UserError('--from DATE is required: the first match date to predict.')
  const to = parseDate(stringOption(ctx, 'to'), 'to')
  if (to !== undefined && to < from) throw new UserError(`--to ${to} is before --from ${from}`)
  return { from, to }
}

export interface WalkForwardFlags {
  windowYears: number
  margin: MarginMethod
  blend: BlendKind
  calibration: CalibrationKind
  minHistory: number
}

/** `--window-years`, `--margin`, `--blend`, `--calibration` and `--min-history`, checked in that order. */
export function walkForwardFlags(ctx: CommandContext, defaultMargin: MarginMethod): WalkForwardFlags {
  const windowYears =
    parseNumber(stringOption(ctx, 'window-years'), 'window-years', { integer: true, min: 1, max: 50 }) ??
    DEFAULT_WINDOW_YEARS
  const margin = (stringOption(ctx, 'margin') ?? defaultMargin) as MarginMethod
  if (!MARGIN_METHODS.includes(margin)) {
    throw new UserError(`--margin must be one of ${MARGIN_METHODS.join(', ')}, got "${margin}"`)
  }
  const blend = (stringOption(ctx, 'blend') ?? 'log') as BlendKind
  if (blend !== 'log' && blend !== 'linear')
    throw new UserError(`--blend must be log or linear, got "${blend}"`)
  const calibration = (stringOption(ctx, 'calibration') ?? 'temperature') as CalibrationKind
  if (!['temperature', 'isotonic', 'none'].includes(calibration)) {
    throw new UserError(`--calibration must be temperature, isotonic or none, got "${calibration}"`)
  }
  const minHistory =
    parseNumber(stringOption(ctx, 'min-history'), 'min-history', { integer: true, min: 1 }) ??
    DEFAULT_MIN_HISTORY
  return { windowYears, margin, blend, calibration, minHistory }
}

export type PlayedMatch = Omit<BacktestMatch, 'odds'> & ReturnType<typeof variantExtras>

/** A played row as a walk-forward match without its odds (null for a fixture or a row without goals). */
export function playedMatch(
  r: ParsedMatch,
  margin: MarginMethod,
  preference?: readonly MarketPreference[],
): PlayedMatch | null {
  if (r.status !== 'played' || r.homeGoals === null || r.awayGoals === null) return null
  return {
    date: r.date,
    home: r.home,
    away: r.away,
    homeGoals: r.homeGoals,
    awayGoals: r.awayGoals,
    league: r.league,
    ...variantExtras(r, margin, preference),
  }
}

/** Home, draw and away odds of a selected quote, or null. */
export const oddsOf = (o: MarketOdds | null): [number, number, number] | null =>
  o ? [o.home, o.draw, o.away] : null

/** Refuses an empty match list, and a `--league` no match belongs to (naming the divisions there are). */
export function checkMatches(
  matches: readonly { league?: string | null }[],
  league: string | undefined,
): void {
  if (matches.length === 0) throw new UserError('The CSV files hold no played match.', 'MODEL_NO_DATA')
  if (league !== undefined && !matches.some((m) => m.league === league)) {
    const known = [...new Set(matches.map((m) => m.league).filter((l) => l !== null))]
    throw new UserError(
      `--league ${league}: no match of that division in the files (they hold ${known.join(', ') || 'no Div column'})`,
    )
  }
}

/** The n, rps, log loss, brier, accuracy and ece cells of a metrics row. */
export const metricCells = (m: MetricsSummary): string[] => [
  String(m.n),
  fixed(m.rps, 4),
  fixed(m.log_loss, 4),
  fixed(m.brier, 4),
  fixed(m.accuracy, 3),
  fixed(m.ece, 3),
]
