/**
 * `scoreline backtest --value` (#22 §3): the value backtest of the walk-forward's forecasts at a PRE-MATCH price
 * (main/model/backtest/valueBets.ts), its flags, JSON and text. Also used by `compare-models`.
 */
import {
  CLOSING_LABEL,
  forecastLabel,
  matchKey,
  VALUE_FORECASTS,
  VALUE_PRICE_CHOICES,
  VALUE_PRICES,
  valueMatchesOf,
  valuePricesOf,
  type ValueForecast,
  type ValuePriceChoice,
} from '../../model/backtest/valueInput'
import {
  DEFAULT_KELLY_FRACTION,
  DEFAULT_MIN_EDGE,
  valueBacktest,
  type Odds3,
  type ValueSummary,
} from '../../model/backtest/valueBets'
import type { BacktestRow } from '../../model/backtest'
import { normaliseGroup, type ParsedMatch } from '../../services/data/csv'
import { valueClvText, valueFlatText, valueKellyText, valueScope } from '../../../shared/valueReport'
import { UserError, type CommandContext, type OptionSpec } from '../framework'
import { parseNumber, stringOption, table } from './modelInput'

export interface ValueFlags {
  minEdge: number
  price: ValuePriceChoice
  forecast: ValueForecast
  kellyFraction: number
}

/** `--value` output: the summary with what each figure is (forecast, price, closing). */
export interface ValueOutput extends ValueSummary {
  forecast: ValueForecast
  forecast_label: string
  price: ValuePriceChoice
  price_label: string
  closing_label: string
}

export const VALUE_OPTIONS: Record<string, OptionSpec> = {
  'min-edge': {
    type: 'string',
    description: `With --value: bet an outcome when its forecast probability − 1/price ≥ this (default ${DEFAULT_MIN_EDGE})`,
    valueName: 'p',
  },
  price: {
    type: 'string',
    description: `With --value: the pre-match price bets are taken at: ${VALUE_PRICE_CHOICES.join(', ')} (default pinnacle)`,
    valueName: 'book',
  },
  forecast: {
    type: 'string',
    description: `With --value: the forecast judged: served (default) or model (the goal model alone)`,
    valueName: 'which',
  },
  'kelly-fraction': {
    type: 'string',
    description: `With --value: the Kelly fraction of the Kelly-stake line (default ${DEFAULT_KELLY_FRACTION})`,
    valueName: 'f',
  },
}

export function valueFlags(ctx: CommandContext): ValueFlags {
  const minEdge =
    parseNumber(stringOption(ctx, 'min-edge'), 'min-edge', { min: 0, max: 0.99 }) ?? DEFAULT_MIN_EDGE
  const price = (stringOption(ctx, 'price') ?? 'pinnacle') as ValuePriceChoice
  if (!VALUE_PRICE_CHOICES.includes(price)) {
    throw new UserError(`--price must be one of ${VALUE_PRICE_CHOICES.join(', ')}, got "${price}"`)
  }
  const forecast = (stringOption(ctx, 'forecast') ?? 'served') as ValueForecast
  if (!VALUE_FORECASTS.includes(forecast)) {
    throw new UserError(`--forecast must be served or model, got "${forecast}"`)
  }
  const kellyFraction =
    parseNumber(stringOption(ctx, 'kelly-fraction'), 'kelly-fraction', { min: 0.01, max: 1 }) ??
    DEFAULT_KELLY_FRACTION
  return { minEdge, price, forecast, kellyFraction }
}

/** The walk-forward's market with --value when --market is not given: pre-match quotes only. */
export const PRE_MATCH_PREFERENCE = ['PS', 'Avg', 'BbAv', 'B365'] as const

/**
 * With --value the served forecast must not know the future of the price it bets at: a --market with a
 * closing group (PSC, AvgC, …) is refused.
 */
export function checkPreMatchMarket(preference: readonly (string | { kind: string })[]): void {
  const closing = preference.filter(
    (p) => (typeof p === 'string' ? normaliseGroup(p).kind : p.kind) === 'closing',
  )
  if (closing.length > 0) {
    throw new UserError(
      `--value bets at pre-match prices, so the served forecast must be blended with a pre-match market: --market ` +
        `${closing.map((p) => (typeof p === 'string' ? p : 'closing')).join(',')} is a closing price (it would know how the price moved). ` +
        `Give pre-match prefixes, e.g. --market ${PRE_MATCH_PREFERENCE.join(',')} (the default with --value).`,
    )
  }
}

/** Each played match's price and Pinnacle close, by date, home and away. */
export function valuePriceTable(
  rows: readonly ParsedMatch[],
  price: ValuePriceChoice,
): Map<string, { price: Odds3 | null; closing: Odds3 | null }> {
  const out = new Map<string, { price: Odds3 | null; closing: Odds3 | null }>()
  for (const r of rows) out.set(matchKey(r), valuePricesOf(r.odds, price))
  return out
}

export function runValueBacktest(
  rows: readonly BacktestRow[],
  prices: ReadonlyMap<string, { price: Odds3 | null; closing: Odds3 | null }>,
  flags: ValueFlags,
  bootstrap?: { resamples?: number; seed?: number },
): ValueOutput {
  const matches = valueMatchesOf(rows, flags.forecast, (r) => prices.get(matchKey(r)))
  const summary = valueBacktest(matches, {
    minEdge: flags.minEdge,
    kellyFraction: flags.kellyFraction,
    bootstrap,
  })
  return {
    forecast: flags.forecast,
    forecast_label: forecastLabel(flags.forecast),
    price: flags.price,
    price_label: VALUE_PRICES[flags.price].label,
    closing_label: CLOSING_LABEL,
    ...summary,
  }
}

/** The headline's input from a value output. */
export const headlineOf = (v: ValueOutput) => ({ ...v, forecast: v.forecast_label, price: v.price_label })

export function renderValue(v: ValueOutput): string {
  const h = headlineOf(v)
  const unit = `${v.bootstrap.resamples} resamples of the ${v.bootstrap.unit}s, seed ${v.bootstrap.seed}`
  const lines = [
    `value bets: ${valueScope(h)}; bet when forecast p − 1/price ≥ ${v.minEdge}, 1 unit a bet`,
    `  price margin Σ1/o − 1: ${(100 * v.priceMargin).toFixed(2)} % on average over the ${v.matches} matches`,
    `  flat stake: ${valueFlatText(h)} (${Math.round(100 * v.bootstrap.level)} % interval: ${unit})` +
      (v.flat
        ? `; mean price ${v.flat.meanPrice.toFixed(2)}, mean edge ${(100 * v.flat.meanEdge).toFixed(1)} %, ` +
          `expected ROI by the forecast itself ${(100 * v.flat.expectedRoi).toFixed(1)} %`
        : ''),
    `  closing-line value vs ${v.closing_label}: ${valueClvText(h)}`,
    `  ${valueKellyText(h)} (stake f·(p·o − 1)/(o − 1) of the bankroll at each date's start)`,
  ]
  return lines.join('\n') + '\n'
}

const signedPct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}`

/** One table row of a value summary: bets, hit rate, ROI [interval], CLV, Kelly. */
export function valueCells(label: string, v: ValueSummary): string[] {
  const f = v.flat
  const c = v.clv
  const k = v.kelly
  return [
    label,
    String(v.matches),
    String(f?.bets ?? 0),
    f ? `${(100 * f.hitRate).toFixed(1)} %` : '',
    f ? `${signedPct(f.roi.mean)} % [${signedPct(f.roi.lo)}, ${signedPct(f.roi.hi)}]` : '',
    c ? `${(100 * c.beatRate).toFixed(1)} % of ${c.n}` : '',
    c ? `${c.meanLogRatio.mean >= 0 ? '+' : '−'}${Math.abs(c.meanLogRatio.mean).toFixed(3)}` : '',
    k ? `×${k.growth >= 100 ? k.growth.toExponential(1) : k.growth.toFixed(2)}` : '',
    k ? `${signedPct(k.roi)} % [${signedPct(k.roiLo)}, ${signedPct(k.roiHi)}]` : '',
  ]
}

export const VALUE_TABLE_HEADERS = [
  'forecast',
  'matches',
  'bets',
  'hit',
  'ROI [95 %]',
  'beat close',
  'log(price/close)',
  'Kelly bankroll',
  'Kelly ROI on turnover',
]

/** compare-models' value table (empty without --value). */
export function renderValueComparison(
  variants: readonly {
    variant: string
    value?: { price: string; model: ValueSummary; served: ValueSummary }
  }[],
): string {
  const withValue = variants.filter((v) => v.value)
  if (withValue.length === 0) return ''
  const first = withValue[0].value!
  const s = first.model
  const head =
    `value bets (#22 §3): 1 unit on every outcome with forecast p − 1/price ≥ ${s.minEdge} at ${first.price} ` +
    `(margin Σ1/o − 1 ${(100 * s.priceMargin).toFixed(2)} %), on the ${s.matches} matches above; ROI interval: ` +
    `${s.bootstrap.resamples} resamples of the ${s.bootstrap.unit}s; closing-line value vs ${CLOSING_LABEL}; ` +
    `${s.kelly?.fraction ?? DEFAULT_KELLY_FRACTION} Kelly from a bankroll of 1`
  const rows = withValue.flatMap((v) => [
    valueCells(`${v.variant} model`, v.value!.model),
    valueCells(`${v.variant} served`, v.value!.served),
  ])
  return '\n' + head + '\n' + table(VALUE_TABLE_HEADERS, rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'])
}
