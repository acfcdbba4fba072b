/**
 * Does the edge pay? (#22 §3) A value-betting backtest on walk-forward forecasts. Pure, no I/O.
 *
 * - Selection: a bet on outcome k of a match whenever the forecast's probability exceeds the IMPLIED
 *   probability of the price taken by at least `minEdge`: p_k − 1/o_k ≥ minEdge (1/o_k keeps the bookmaker's
 *   margin: this is what the bettor pays, so a selected bet always has expected value p·o − 1 ≥ minEdge·o > 0
 *   by the forecast's own reckoning). Every outcome is judged on its own (two outcomes of one match can both
 *   be bet when the price is generous, e.g. the market maximum).
 * - Flat stake: 1 unit per bet; ROI = profit / bets. Its interval is a percentile bootstrap that resamples
 *   the DATES with a bet (their bets together: one date's matches share a fit and news), like
 *   `compare/pairedBootstrap.ts`.
 * - Closing-line value: for bets with a Pinnacle closing price for the same outcome, how often the price
 *   taken was higher than the close, and the mean of log(price taken / closing price) with the same bootstrap.
 * - Fractional Kelly: stake f·(p·o − 1)/(o − 1) of the bankroll at the start of the bet's date (all bets of
 *   a date are placed together and settled together; if their stakes add up to more than the bankroll they are
 *   scaled down to it). Reports the bankroll's growth (final / initial), its log, the worst drawdown and the
 *   ROI on turnover (profit / total staked), with intervals from replaying the resampled bet dates in order.
 */
import { DixonColesError } from '../dixonColes/errors'
import { mulberry32 } from '../simulate/simulateLeague'
import type { OutcomeLetter, Triple } from '../metrics'
import type { ValueKellyFigures } from '../../../shared/valueReport'
import {
  DEFAULT_BOOTSTRAP_SEED,
  DEFAULT_RESAMPLES,
  pairedBootstrap,
  quantile,
  type BootstrapInterval,
  type BootstrapOptions,
} from '../compare/pairedBootstrap'

export type Odds3 = readonly [number, number, number]

/** One forecast match: what the bettor knew (forecast, price taken) and what happened. */
export interface ValueMatch {
  date: string
  home: string
  away: string
  result: OutcomeLetter
  /** The walk-forward forecast (served or model); null: no forecast, no bet. */
  forecast: Triple | null
  /** The pre-match decimal price the bet is placed at (H, D, A); null: not quoted, no bet. */
  price: Odds3 | null
  /** Pinnacle's closing price (H, D, A) for the closing-line value; null when not quoted. */
  closing: Odds3 | null
}

export interface ValueOptions {
  /** Minimum p − 1/o of a bet (default {@link DEFAULT_MIN_EDGE}). */
  minEdge?: number
  /** Kelly fraction (default {@link DEFAULT_KELLY_FRACTION}: quarter Kelly). */
  kellyFraction?: number
  bootstrap?: BootstrapOptions
}

export const DEFAULT_MIN_EDGE = 0.03
export const DEFAULT_KELLY_FRACTION = 0.25
export const OUTCOMES: readonly OutcomeLetter[] = ['H', 'D', 'A']

export interface ValueBet {
  date: string
  home: string
  away: string
  outcome: OutcomeLetter
  /** Forecast probability of the outcome. */
  p: number
  price: number
  /** p − 1/price. */
  edge: number
  won: boolean
  /** Pinnacle's closing price for the outcome, or null. */
  closing: number | null
}

export interface FlatStakeSummary {
  bets: number
  wins: number
  hitRate: number
  /** Profit in units (1 unit per bet). */
  profit: number
  /** ROI = profit / bets, with the bet-date bootstrap interval (`mean` is the observed ROI). */
  roi: BootstrapInterval
  /** Mean p·o − 1 of the bets by the forecast's own reckoning. */
  expectedRoi: number
  meanPrice: number
  meanEdge: number
}

export interface ClvSummary {
  /** Bets with a Pinnacle closing price for the outcome. */
  n: number
  /** Of them, bets taken at a higher price than the close. */
  beat: number
  beatRate: number
  /** Mean log(price taken / Pinnacle closing) with the bet-date bootstrap interval; > 0 = beat the close. */
  meanLogRatio: BootstrapInterval
}

export interface KellySummary extends ValueKellyFigures {
  bets: number
  /** Total staked, in units of the initial bankroll. */
  turnover: number
}

export interface ValueSummary {
  minEdge: number
  /** Matches with a forecast and a valid price (the n the bets were chosen from). */
  matches: number
  /** Mean overround Σ1/o − 1 of the price over those matches. */
  priceMargin: number
  from: string | null
  to: string | null
  /** Null when no bet was placed. */
  flat: FlatStakeSummary | null
  clv: ClvSummary | null
  kelly: KellySummary | null
  bootstrap: { resamples: number; seed: number; level: number; unit: 'bet date' }
}

function bad(message: string): never {
  throw new DixonColesError('MODEL_BAD_INPUT', message)
}

const validOdds = (o: Odds3 | null): o is Odds3 =>
  o !== null && o.length === 3 && o.every((x) => Number.isFinite(x) && x > 1)

/** The bets the rule places, in the matches' order (H, D, A within a match). */
export function selectValueBets(matches: readonly ValueMatch[], minEdge = DEFAULT_MIN_EDGE): ValueBet[] {
  if (!(Number.isFinite(minEdge) && minEdge >= 0 && minEdge < 1)) {
    bad(`minEdge must be in [0, 1), got ${minEdge}`)
  }
  const bets: ValueBet[] = []
  for (const m of matches) {
    if (!m.forecast || !validOdds(m.price)) continue
    const closing = validOdds(m.closing) ? m.closing : null
    for (let k = 0; k < 3; k++) {
      const edge = m.forecast[k] - 1 / m.price[k]
      if (edge >= minEdge && edge > 0) {
        bets.push({
          date: m.date,
          home: m.home,
          away: m.away,
          outcome: OUTCOMES[k],
          p: m.forecast[k],
          price: m.price[k],
          edge,
          won: m.result === OUTCOMES[k],
          closing: closing ? closing[k] : null,
        })
      }
    }
  }
  return bets
}

export const flatProfit = (b: ValueBet): number => (b.won ? b.price - 1 : -1)

export function flatStake(bets: readonly ValueBet[], bootstrap?: BootstrapOptions): FlatStakeSummary | null {
  if (bets.length === 0) return null
  const profits = bets.map(flatProfit)
  const wins = bets.filter((b) => b.won).length
  const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / xs.length
  return {
    bets: bets.length,
    wins,
    hitRate: wins / bets.length,
    profit: profits.reduce((a, x) => a + x, 0),
    roi: pairedBootstrap(
      profits,
      bets.map((b) => b.date),
      bootstrap,
    ),
    expectedRoi: mean(bets.map((b) => b.p * b.price - 1)),
    meanPrice: mean(bets.map((b) => b.price)),
    meanEdge: mean(bets.map((b) => b.edge)),
  }
}

export function closingLineValue(bets: readonly ValueBet[], bootstrap?: BootstrapOptions): ClvSummary | null {
  const withClose = bets.filter((b) => b.closing !== null)
  if (withClose.length === 0) return null
  const beat = withClose.filter((b) => b.price > (b.closing as number)).length
  return {
    n: withClose.length,
    beat,
    beatRate: beat / withClose.length,
    meanLogRatio: pairedBootstrap(
      withClose.map((b) => Math.log(b.price / (b.closing as number))),
      withClose.map((b) => b.date),
      bootstrap,
    ),
  }
}

/** Kelly's fraction of the bankroll for one bet: (p·o − 1)/(o − 1), 0 without an edge. */
export const kellyStake = (p: number, price: number): number => Math.max(0, (p * price - 1) / (price - 1))

interface KellyPath {
  turnover: number
  final: number
  maxDrawdown: number
}

/**
 * The bets of each date as flat arrays (no allocation while replaying): bets of date g are
 * [start[g], start[g + 1]); `stake` is the fractional Kelly share of the bankroll, `gain` the net return of 1
 * unit (price − 1 if won, −1 if lost).
 */
interface KellyBook {
  start: Int32Array
  stake: Float64Array
  gain: Float64Array
}

function kellyBook(bets: readonly ValueBet[], fraction: number): KellyBook {
  const order = bets
    .map((b, i) => ({ b, i }))
    .sort((x, y) => (x.b.date < y.b.date ? -1 : x.b.date > y.b.date ? 1 : x.i - y.i))
  const starts: number[] = []
  const stake = new Float64Array(bets.length)
  const gain = new Float64Array(bets.length)
  order.forEach(({ b }, j) => {
    if (j === 0 || b.date !== order[j - 1].b.date) starts.push(j)
    stake[j] = fraction * kellyStake(b.p, b.price)
    gain[j] = b.won ? b.price - 1 : -1
  })
  starts.push(bets.length)
  return { start: Int32Array.from(starts), stake, gain }
}

/**
 * Bankroll path from 1 over the dates `groups` (indices into the book, in time order): each date's stakes are
 * shares of its opening bankroll, scaled down to the bankroll if they add up to more.
 */
function kellyPath(book: KellyBook, groups: ArrayLike<number>): KellyPath {
  let bankroll = 1
  let peak = 1
  let maxDrawdown = 0
  let turnover = 0
  for (let j = 0; j < groups.length; j++) {
    const g = groups[j]
    let total = 0
    let net = 0
    for (let i = book.start[g]; i < book.start[g + 1]; i++) {
      total += book.stake[i]
      net += book.stake[i] * book.gain[i]
    }
    const scale = total > 1 ? 1 / total : 1
    turnover += total * scale * bankroll
    bankroll += net * scale * bankroll
    if (bankroll > peak) peak = bankroll
    maxDrawdown = Math.max(maxDrawdown, 1 - bankroll / peak)
  }
  return { turnover, final: bankroll, maxDrawdown }
}

export function kelly(
  bets: readonly ValueBet[],
  fraction = DEFAULT_KELLY_FRACTION,
  bootstrap: BootstrapOptions = {},
): KellySummary | null {
  if (!(fraction > 0 && fraction <= 1)) bad(`kellyFraction must be in (0, 1], got ${fraction}`)
  if (bets.length === 0) return null
  const book = kellyBook(bets, fraction)
  const k = book.start.length - 1
  const observed = kellyPath(
    book,
    Int32Array.from({ length: k }, (_, g) => g),
  )
  const resamples = bootstrap.resamples ?? DEFAULT_RESAMPLES
  const level = bootstrap.level ?? 0.95
  const rng = mulberry32(bootstrap.seed ?? DEFAULT_BOOTSTRAP_SEED)
  const growth = new Float64Array(resamples)
  const roi = new Float64Array(resamples)
  const draw = new Int32Array(k)
  for (let r = 0; r < resamples; r++) {
    for (let j = 0; j < k; j++) draw[j] = Math.floor(rng() * k)
    draw.sort() // replay the drawn dates in time order
    const path = kellyPath(book, draw)
    growth[r] = path.final
    roi[r] = path.turnover > 0 ? (path.final - 1) / path.turnover : 0
  }
  growth.sort()
  roi.sort()
  const a = (1 - level) / 2
  return {
    fraction,
    bets: bets.length,
    turnover: observed.turnover,
    growth: observed.final,
    growthLo: quantile(growth, a),
    growthHi: quantile(growth, 1 - a),
    roi: observed.turnover > 0 ? (observed.final - 1) / observed.turnover : 0,
    roiLo: quantile(roi, a),
    roiHi: quantile(roi, 1 - a),
    maxDrawdown: observed.maxDrawdown,
  }
}

/** The whole value backtest: selection, flat stake, closing-line value and fractional Kelly. */
export function valueBacktest(matches: readonly ValueMatch[], options: ValueOptions = {}): ValueSummary {
  const minEdge = options.minEdge ?? DEFAULT_MIN_EDGE
  const fraction = options.kellyFraction ?? DEFAULT_KELLY_FRACTION
  const bootstrap = options.bootstrap ?? {}
  const bets = selectValueBets(matches, minEdge)
  const priced = matches.filter((m) => m.forecast && validOdds(m.price))
  const dates = priced.map((m) => m.date).sort()
  const margin = priced.reduce((a, m) => a + (1 / m.price![0] + 1 / m.price![1] + 1 / m.price![2] - 1), 0)
  return {
    minEdge,
    matches: priced.length,
    priceMargin: priced.length ? margin / priced.length : 0,
    from: dates[0] ?? null,
    to: dates[dates.length - 1] ?? null,
    flat: flatStake(bets, bootstrap),
    clv: closingLineValue(bets, bootstrap),
    kelly: kelly(bets, fraction, bootstrap),
    bootstrap: {
      resamples: bootstrap.resamples ?? DEFAULT_RESAMPLES,
      seed: bootstrap.seed ?? DEFAULT_BOOTSTRAP_SEED,
      level: bootstrap.level ?? 0.95,
      unit: 'bet date',
    },
  }
}
