/**
 * `scoreline compare-models`: every chosen goal-model variant walk-forward on the same matches, against
 * Pinnacle's closing and pre-match markets, with paired bootstrap intervals (see main/model/compare).
 */
import {
  DEFAULT_MARGIN_METHOD,
  DEFAULT_MIN_HISTORY,
  DEFAULT_WINDOW_YEARS,
  DEFAULT_XI,
} from '../../model/backtest'
import {
  compareVariants,
  compareVariantsWith,
  DEFAULT_BOOTSTRAP_SEED,
  DEFAULT_RESAMPLES,
  type BootstrapInterval,
  type CompareMatch,
  type Comparison,
} from '../../model/compare'
import { MARGIN_METHODS, type MarginMethod } from '../../model/market'
import { describeMarket, selectMarketOdds, type ParsedMatch } from '../../services/data/csv'
import { UserError, type Command } from '../framework'
import { GATE_RULE, type BacktestMatch } from '../../model/backtest'
import { backtestInPool } from '../../services/training/modelJobClient'
import { packMatches, type PackedMatches } from '../../services/training/packedMatches'
import { createWorkerPool, defaultPoolSize } from '../../services/training/workerPool'
import { trainingWorkerPath } from '../trainingWorker'
import { fixed, parseNumber, parseVariantList, readSeasonFiles, stringOption, table } from './modelInput'
import {
  checkMatches,
  metricCells,
  oddsOf,
  periodFlags,
  playedMatch,
  walkForwardFlags,
} from './walkForwardInput'
import { renderGoalsMarkets } from './goalsMarketsTable'
import { renderValueComparison, VALUE_OPTIONS, valueFlags } from './valueBacktest'
import { VALUE_PRICES, valuePricesOf, type ValuePriceChoice } from '../../model/backtest/valueInput'

const CLOSING = { bookmaker: 'PS', kind: 'closing' } as const
const PRE_MATCH = { bookmaker: 'PS', kind: 'pre-match' } as const

/** `scoreline compare-models --json`: the comparison plus where its inputs came from. */
export interface CompareModelsOutput extends Comparison {
  files: string[]
  market_sources: { closing: string; pre_match: string; variant_training: string }
  seconds: number
}

/**
 * CompareMatch rows from parsed season files: Pinnacle closing and pre-match odds, and the variant extras with
 * their training market made margin-free by `trainingMargin`.
 */
export function compareMatchesFrom(
  rows: readonly ParsedMatch[],
  trainingMargin: MarginMethod = DEFAULT_MARGIN_METHOD,
  valuePrice?: ValuePriceChoice,
): CompareMatch[] {
  const out: CompareMatch[] = []
  for (const r of rows) {
    const played = playedMatch(r, trainingMargin)
    if (!played) continue
    out.push({
      ...played,
      closingOdds: oddsOf(selectMarketOdds(r, [CLOSING])),
      preMatchOdds: oddsOf(selectMarketOdds(r, [PRE_MATCH])),
      goalsPrices: { totals: r.totals, asianHandicap: r.asianHandicap ?? [] },
      ...(valuePrice ? { valuePrice: valuePricesOf(r.odds, valuePrice).price } : {}),
    })
  }
  return out
}

export const compareModelsCommand: Command = {
  name: 'compare-models',
  summary:
    'Every goal-model variant walk-forward on the same matches: RPS, log loss, Brier, accuracy, ECE for model, blend and calibrated, against Pinnacle closing and pre-match, with paired bootstrap intervals.',
  usage:
    '<csv...> --from DATE [--to DATE] [--models a,b,c|all] [--league CODE] [--xi X] [--window-years N] [--margin METHOD] [--value [--min-edge 0.03] [--price pinnacle|max|b365]] [--json]',
  options: {
    from: {
      type: 'string',
      description:
        'First match date to predict (YYYY-MM-DD); hyper-parameters are tuned on the year before it',
      valueName: 'date',
    },
    to: {
      type: 'string',
      description: 'Last match date to predict (default: the last match)',
      valueName: 'date',
    },
    models: {
      type: 'string',
      description: 'Variants to compare, comma-separated, or all (default all registered)',
      valueName: 'ids',
    },
    league: {
      type: 'string',
      description: 'Predict and score only this division (Div, e.g. E0); every file still trains the models',
      valueName: 'div',
    },
    xi: { type: 'string', description: `Time decay per day (default ${DEFAULT_XI})`, valueName: 'x' },
    'window-years': {
      type: 'string',
      description: `Years of matches before each date to fit on (default ${DEFAULT_WINDOW_YEARS})`,
      valueName: 'n',
    },
    margin: {
      type: 'string',
      description: `Margin removal for the markets the forecasts are scored and blended against: ${MARGIN_METHODS.join(', ')} (default multiplicative)`,
      valueName: 'method',
    },
    'training-margin': {
      type: 'string',
      description: `Margin removal for the past prices the variants train on (market-informed ratings): default ${DEFAULT_MARGIN_METHOD}, as the app's pipeline`,
      valueName: 'method',
    },
    blend: { type: 'string', description: 'Opinion pool: log (default) or linear', valueName: 'pool' },
    calibration: {
      type: 'string',
      description: 'Calibration of the blend: temperature (default), isotonic or none',
      valueName: 'kind',
    },
    'min-history': {
      type: 'string',
      description: `Earlier predictions before α and the calibrator are fitted (default ${DEFAULT_MIN_HISTORY})`,
      valueName: 'n',
    },
    resamples: {
      type: 'string',
      description: `Bootstrap resamples of match dates (default ${DEFAULT_RESAMPLES})`,
      valueName: 'n',
    },
    seed: {
      type: 'string',
      description: `Bootstrap seed (default ${DEFAULT_BOOTSTRAP_SEED})`,
      valueName: 'n',
    },
    workers: {
      type: 'string',
      description:
        'Worker threads for the walk-forwards (default: cores − 1); 1 runs them in this process, as does --league (the workers do not see divisions)',
      valueName: 'n',
    },
    value: {
      type: 'boolean',
      description:
        "Also each variant's value backtest, model alone and served: 1 unit on every outcome whose forecast beats the pre-match price's implied probability by --min-edge; ROI, CLV against Pinnacle's close, fractional Kelly",
    },
    ...Object.fromEntries(Object.entries(VALUE_OPTIONS).filter(([k]) => k !== 'forecast')),
  },
  async run(ctx) {
    const { from, to } = periodFlags(ctx, 'compare')
    const variants = parseVariantList(stringOption(ctx, 'models'))
    const xi = parseNumber(stringOption(ctx, 'xi'), 'xi', { min: 0 }) ?? DEFAULT_XI
    const { windowYears, margin, blend, calibration, minHistory } = walkForwardFlags(ctx, 'multiplicative')
    const resamples =
      parseNumber(stringOption(ctx, 'resamples'), 'resamples', { integer: true, min: 100, max: 100000 }) ??
      DEFAULT_RESAMPLES
    const seed =
      parseNumber(stringOption(ctx, 'seed'), 'seed', { integer: true, min: 0 }) ?? DEFAULT_BOOTSTRAP_SEED

    const data = await readSeasonFiles(ctx, ctx.positionals)
    const trainingMargin = (stringOption(ctx, 'training-margin') ?? DEFAULT_MARGIN_METHOD) as MarginMethod
    if (!MARGIN_METHODS.includes(trainingMargin)) {
      throw new UserError(
        `--training-margin must be one of ${MARGIN_METHODS.join(', ')}, got "${trainingMargin}"`,
      )
    }
    const value = ctx.values.value === true ? valueFlags(ctx) : null
    const matches = compareMatchesFrom(data.rows, trainingMargin, value?.price)
    const league = stringOption(ctx, 'league')
    checkMatches(matches, league)
    const workers =
      parseNumber(stringOption(ctx, 'workers'), 'workers', { integer: true, min: 1, max: 64 }) ??
      defaultPoolSize()
    const t0 = performance.now()
    let comparison: Comparison
    try {
      const compareOptions: Parameters<typeof compareVariants>[1] = {
        from,
        to,
        variants,
        xi,
        windowYears,
        margin,
        blend,
        calibration,
        minHistory,
        league: league ?? null,
        bootstrap: { resamples, seed },
        ...(value
          ? {
              value: {
                minEdge: value.minEdge,
                kellyFraction: value.kellyFraction,
                priceLabel: VALUE_PRICES[value.price].label,
              },
            }
          : {}),
        onVariant: (id, stage) => {
          if (!ctx.json) ctx.stderr.write(`${id}: ${stage === 'tuning' ? 'tuning' : 'walk-forward'}...\n`)
        },
      }
      comparison =
        workers > 1 && !league
          ? await compareInPool(matches, compareOptions, workers)
          : compareVariants(matches, compareOptions)
    } catch (error) {
      const code = (error as { code?: unknown }).code
      if (code === 'MODEL_NO_DATA' || code === 'MODEL_BAD_INPUT') {
        throw new UserError((error as Error).message, code)
      }
      throw error
    }
    const output: CompareModelsOutput = {
      ...comparison,
      files: ctx.positionals,
      market_sources: {
        closing: describeMarket(CLOSING),
        pre_match: describeMarket(PRE_MATCH),
        variant_training: `margin-free (${trainingMargin}) Pinnacle closing, else the app's market preference; over 2.5 from Pinnacle totals, else the average`,
      },
      seconds: (performance.now() - t0) / 1000,
    }
    ctx.output(output, (o: CompareModelsOutput) => renderComparison(o))
    return 0
  },
}

/**
 * The comparison with its walk-forwards (every grid point, then every variant) spread over `size` worker
 * threads: the same walk-forwards as in this process, the matches packed once (#23).
 */
async function compareInPool(
  matches: readonly CompareMatch[],
  options: Parameters<typeof compareVariants>[1],
  size: number,
): Promise<Comparison> {
  const pool = createWorkerPool({
    workerUrl: trainingWorkerPath() ?? new URL('../../services/training/modelWorker.ts', import.meta.url),
    size,
  })
  const packed = new Map<readonly BacktestMatch[], PackedMatches>()
  try {
    return await compareVariantsWith(matches, options, (m, o) => {
      let p = packed.get(m)
      if (!p) packed.set(m, (p = packMatches(m)))
      return backtestInPool(pool, p, o)
    })
  } finally {
    await pool.close()
  }
}

/**
 * `α 0.074`, and whether each stage was being served at the end: its e-value (open at ≥ 20, #22), its
 * out-of-sample RPS against what it replaces, and the scored matches it was served for.
 */
function blendLabel(v: CompareModelsOutput['variants'][number]): string {
  const g = v.gates
  if (!g) return `α ${fixed(v.final_alpha)}`
  const stage = (name: string, e: NonNullable<typeof g>['blend']) =>
    `${name} ${e.open ? 'on' : 'off'}${e.rows ? ` e ${e.eValue.toPrecision(3)} ${fixed(e.candidateRps, 4)} vs ${fixed(e.baseRps, 4)}, served ${e.servedMatches}` : ''}`
  return `α ${fixed(v.final_alpha)}; ${stage('blend', g.blend)}, ${stage('calibration', g.calibration)}`
}

const ci = (b: BootstrapInterval | null): string =>
  b ? `${b.mean >= 0 ? '+' : ''}${b.mean.toFixed(4)} [${b.lo.toFixed(4)}, ${b.hi.toFixed(4)}]` : ''

export function renderComparison(o: CompareModelsOutput): string {
  const head = [
    `compare-models ${o.league ? `${o.league} ` : ''}${o.from} .. ${o.to}: ${o.n_matches} matches, ${o.n_scored} scored by every variant and both markets ` +
      `(left out: ${o.excluded.no_closing} without closing odds, ${o.excluded.no_pre_match} without pre-match odds, ${o.excluded.no_forecast} without a forecast from every variant)`,
    `walk-forward: refit before every date on a ${o.window_years}-year window, xi ${o.xi}; margin removed by ${o.margin}`,
    `blend: ${o.blend_kind} pool of the model with ${o.market_sources.pre_match}, α and ${o.calibration} calibration fitted on earlier dates' forecasts (from ${o.warm_up_from}, not scored) after ${o.min_history} predictions` +
      (o.gated ? `; each ${GATE_RULE} (else the market, or the uncalibrated blend)` : ''),
    `Δ columns: mean per-match RPS difference with a paired bootstrap ${Math.round(o.bootstrap.level * 100)}% interval (${o.bootstrap.resamples} resamples of ${o.bootstrap.unit}s, seed ${o.bootstrap.seed}); negative = better`,
  ]
  const missing = o.variants.filter((v) => v.no_forecast > 0)
  if (missing.length) {
    head.push(
      `matches without a forecast (before taking the common set): ${missing.map((v) => `${v.variant} ${v.no_forecast}`).join(', ')}`,
    )
  }
  const tuned = o.variants.filter((v) => v.hyper)
  for (const v of tuned) {
    const h = v.hyper!
    head.push(
      `${v.variant} hyper-parameters by model RPS over ${h.period.from} .. ${h.period.to}: ` +
        h.grid.map((g) => `${JSON.stringify(g.params)} ${fixed(g.rps, 4)}`).join(', ') +
        ` → ${JSON.stringify(h.chosen)}${h.note ? ` (${h.note})` : ''}`,
    )
  }
  const rows: string[][] = [
    [
      `market closing: ${o.market_sources.closing}, ${o.margin}`,
      ...metricCells(o.markets.closing),
      '',
      '',
      '',
    ],
    [
      `market pre-match: ${o.market_sources.pre_match}, ${o.margin}`,
      ...metricCells(o.markets.pre_match),
      '',
      '',
      '',
    ],
  ]
  for (const v of o.variants) {
    rows.push([
      `${v.variant} model`,
      ...metricCells(v.model),
      ci(v.rps_vs_dixon_coles),
      ci(v.rps_vs_closing),
      '',
    ])
    rows.push([`${v.variant} blend (${blendLabel(v)})`, ...metricCells(v.blend), '', '', ''])
    rows.push([
      `${v.variant} calibrated`,
      ...metricCells(v.calibrated),
      '',
      '',
      ci(v.calibrated_vs_pre_match),
    ])
  }
  const t = o.targets
  const tail = [
    `target: best model-alone RPS within 0.003 of the closing market — ${t.best_model.variant} ${fixed(t.best_model.rps, 5)} vs ${fixed(t.closing_rps, 5)} ` +
      `(gap ${t.gap_to_closing >= 0 ? '+' : ''}${t.gap_to_closing.toFixed(5)}): ${t.model_within_0_003_of_closing ? 'MET' : 'NOT MET'}`,
    `target: calibrated blend at least as good as the pre-match market — ${t.best_calibrated.variant} ${fixed(t.best_calibrated.rps, 5)} vs ${fixed(t.pre_match_rps, 5)} ` +
      `(${t.best_calibrated.rps - t.pre_match_rps >= 0 ? '+' : ''}${(t.best_calibrated.rps - t.pre_match_rps).toFixed(5)}): ` +
      `${t.calibrated_at_least_as_good_as_pre_match ? 'MET' : 'NOT MET'}`,
    `${o.seconds.toFixed(1)} s (${o.variants.map((v) => `${v.variant} ${v.seconds.toFixed(1)} s`).join(', ')})`,
  ]
  return (
    head.join('\n') +
    '\n\n' +
    table(
      [
        'forecast',
        'n',
        'rps',
        'log loss',
        'brier',
        'acc',
        'ece',
        'Δrps vs dixon-coles',
        'Δrps vs closing',
        'Δrps vs pre-match',
      ],
      rows,
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ) +
    '\n' +
    tail.join('\n') +
    '\n' +
    renderGoalsMarkets(o.variants, o.margin, o.bootstrap.level) +
    renderValueComparison(o.variants)
  )
}
