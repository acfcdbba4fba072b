/**
 * How a value backtest (#22 §3, main/model/backtest/valueBets.ts) reads in one line, the same on the CLI,
 * in compare-models and on Model health: every number says which forecast, which price and how many bets.
 */

export interface ValueHeadlineInput {
  /** e.g. 'model alone', 'served forecast'. */
  forecast: string
  /** e.g. 'Pinnacle pre-match (PSH/PSD/PSA)'. */
  price: string
  minEdge: number
  matches: number
  from: string | null
  to: string | null
  flat: {
    bets: number
    hitRate: number
    roi: { mean: number; lo: number; hi: number }
  } | null
  clv: { n: number; beatRate: number; meanLogRatio: { mean: number; lo: number; hi: number } } | null
  kelly: ValueKellyFigures | null
}

/** Fractional Kelly as reported; main/model/backtest/valueBets.ts's KellySummary adds bets and turnover. */
export interface ValueKellyFigures {
  fraction: number
  /** Final / initial bankroll, with the replayed-bootstrap interval. */
  growth: number
  growthLo: number
  growthHi: number
  /** ROI on turnover = (final − initial) / turnover, with the replayed-bootstrap interval. */
  roi: number
  roiLo: number
  roiHi: number
  /** Worst fall from a running peak, as a share of that peak. */
  maxDrawdown: number
}

const pct = (x: number, digits = 1) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(digits)}`
const ci = (mean: number, lo: number, hi: number) => `${pct(mean)} % [${pct(lo)}, ${pct(hi)}]`

/** "edges of 3 %+ (model alone vs Pinnacle pre-match …, 2022-08-05 .. 2024-05-19, 760 matches)". */
export function valueScope(v: ValueHeadlineInput): string {
  const period = v.from && v.to ? `, ${v.from} .. ${v.to}` : ''
  return `edges of ${+(100 * v.minEdge).toFixed(2)} %+ (${v.forecast} vs ${v.price}${period}, ${v.matches} matches)`
}

/** "412 bets, hit 31.2 %, ROI −2.1 % [−6.8, +2.6]", or "no bet". */
export function valueFlatText(v: ValueHeadlineInput): string {
  const f = v.flat
  if (!f) return 'no bet'
  return `${f.bets} bet${f.bets === 1 ? '' : 's'}, hit ${(100 * f.hitRate).toFixed(1)} %, ROI ${ci(f.roi.mean, f.roi.lo, f.roi.hi)}`
}

/** "beat Pinnacle's close on 47.0 % of 405 (mean log(price/close) −0.012 [−0.020, −0.004])". */
export function valueClvText(v: ValueHeadlineInput): string {
  const c = v.clv
  if (!c) return "no bet with Pinnacle's closing price"
  const f = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`
  return `beat Pinnacle's close on ${(100 * c.beatRate).toFixed(1)} % of ${c.n} (mean log(price/close) ${f(c.meanLogRatio.mean)} [${f(c.meanLogRatio.lo)}, ${f(c.meanLogRatio.hi)}])`
}

/** "¼ Kelly: bankroll ×0.91 [0.62, 1.31], ROI on turnover −1.9 % [−7.0, +3.1], worst drawdown 38 %". */
export function valueKellyText(v: ValueHeadlineInput): string {
  const k = v.kelly
  if (!k) return 'Kelly: no bet'
  const x = (g: number) => (g >= 100 ? g.toExponential(1) : g.toFixed(2))
  return (
    `${k.fraction} Kelly: bankroll ×${x(k.growth)} [${x(k.growthLo)}, ${x(k.growthHi)}], ` +
    `ROI on turnover ${ci(k.roi, k.roiLo, k.roiHi)}, worst drawdown ${(100 * k.maxDrawdown).toFixed(0)} %`
  )
}

/** The whole line: scope: flat; CLV; Kelly. */
export function valueHeadline(v: ValueHeadlineInput): string {
  return `${valueScope(v)}: ${valueFlatText(v)}; ${valueClvText(v)}; ${valueKellyText(v)}`
}
