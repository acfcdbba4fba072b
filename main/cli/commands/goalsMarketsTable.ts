/**
 * The goals-market table of `compare-models` and `backtest` (#22 §2): each variant's over/under 2.5 and
 * Asian-handicap forecasts against Pinnacle's closing and pre-match prices, with n, the market's columns
 * named, and the target (model O/U Brier within 0.002 of Pinnacle's closing O/U).
 */
import type { BootstrapInterval } from '../../model/compare'
import type { AsianHandicapScore, GoalsMarketComparison } from '../../model/backtest/goalsMarkets'
import type { BootstrapOptions } from '../../model/compare'
import type { BacktestRow } from '../../model/backtest'
import { goalsMarketLabel, goalsMarketsOf, goalsPriceMap } from '../../model/backtest/goalsCompare'
import type { MarginMethod } from '../../model/market'
import type { ParsedMatch } from '../../services/data/csv'
import { table } from './modelInput'

export { goalsMarketLabel }

const ci = (b: BootstrapInterval): string =>
  `${b.mean >= 0 ? '+' : ''}${b.mean.toFixed(4)} [${b.lo.toFixed(4)}, ${b.hi.toFixed(4)}]`

interface VariantGoals {
  variant: string
  goals_markets?: GoalsMarketComparison[]
}

/** Best model O/U Brier minus Pinnacle closing O/U Brier, on the same matches (null without prices). */
export function goalsTarget(
  variants: readonly VariantGoals[],
): { variant: string; model: number; closing: number; gap: number; met: boolean; n: number } | null {
  let best: { variant: string; model: number; closing: number; n: number } | null = null
  for (const v of variants) {
    const c = v.goals_markets?.find((g) => g.market.bookmaker === 'PS' && g.market.kind === 'closing')
    if (!c?.over25) continue
    if (!best || c.over25.model.brier < best.model) {
      best = {
        variant: v.variant,
        model: c.over25.model.brier,
        closing: c.over25.market.brier,
        n: c.over25.n,
      }
    }
  }
  if (!best) return null
  const gap = best.model - best.closing
  return { ...best, gap, met: gap <= 0.002 }
}

const settlement = (s: AsianHandicapScore | null | undefined): string =>
  s ? `${s.pushes} pushes, ${s.half_settled} half-settled` : ''

/** The table (empty string when the matches carried no goals prices). */
export function renderGoalsMarkets(variants: readonly VariantGoals[], margin: string, level = 0.95): string {
  const first = variants.find((v) => v.goals_markets?.length)?.goals_markets
  if (!first) return ''
  const rows: string[][] = []
  for (const [j, g] of first.entries()) {
    for (const what of ['ou', 'ah'] as const) {
      const s = what === 'ou' ? g.over25 : g.asian_handicap
      const label = goalsMarketLabel(g.market, what)
      if (!s) {
        rows.push([`market ${label}`, '0', '', '', '', '', ''])
        continue
      }
      rows.push([
        `market ${label}`,
        String(s.n),
        s.market.brier.toFixed(4),
        s.market.log_loss.toFixed(4),
        '',
        '',
        '',
      ])
      for (const v of variants) {
        const m = what === 'ou' ? v.goals_markets?.[j]?.over25 : v.goals_markets?.[j]?.asian_handicap
        if (!m) continue
        rows.push([
          `  ${v.variant} model`,
          String(m.n),
          m.model.brier.toFixed(4),
          m.model.log_loss.toFixed(4),
          ci(m.brier_diff),
          ci(m.log_loss_diff),
          settlement(what === 'ah' ? v.goals_markets?.[j]?.asian_handicap : null),
        ])
      }
      // the served O/U against the close (against the pre-match price it falls back to, it is 0 while closed)
      for (const v of what === 'ou' && g.market.kind === 'closing' ? variants : []) {
        const sv = v.goals_markets?.[j]?.served_over25
        if (!sv) continue
        rows.push([
          `  ${v.variant} served (model while its gate is open, else P>2.5/P<2.5)`,
          String(sv.n),
          sv.model.brier.toFixed(4),
          sv.model.log_loss.toFixed(4),
          ci(sv.brier_diff),
          ci(sv.log_loss_diff),
          `model served for ${sv.model_served}`,
        ])
      }
    }
  }
  const t = goalsTarget(variants)
  return (
    `\ngoals markets: binary Brier (p − y)² and log loss of the model's forecast (its score matrix) and of the market's margin-free (${margin}) two-way price, ` +
    `on the forecast matches that quote it; O/U 2.5: y = 3+ goals; AH: home cover at the market's own line, scored on the settled share of the stake ` +
    `(quarter-line half wins and half losses weigh ½, pushes are left out); served O/U: the model's over 2.5 only while a one-sided paired-Brier e-process on earlier dates of this period says it beats Pinnacle's pre-match O/U at level 5 % (the 1X2 stages' gate; [p, 0, 1 − p] has RPS = Brier), else that price; Δ = model − market with a paired bootstrap ${Math.round(level * 100)}% interval by match date, negative = model better\n\n` +
    table(
      ['forecast', 'n', 'brier', 'log loss', 'Δbrier vs market', 'Δlog loss vs market', 'settlement'],
      rows,
      ['l', 'r', 'r', 'r', 'r', 'r', 'l'],
    ) +
    '\n' +
    (t
      ? `target: best model O/U 2.5 Brier within 0.002 of Pinnacle's closing O/U — ${t.variant} ${t.model.toFixed(5)} vs ${t.closing.toFixed(5)} on ${t.n} matches ` +
        `(gap ${t.gap >= 0 ? '+' : ''}${t.gap.toFixed(5)}): ${t.met ? 'MET' : 'NOT MET'}\n`
      : "target: no match quoted Pinnacle's closing O/U 2.5\n")
  )
}

/**
 * `backtest`'s goals markets: every walk-forward row with a model forecast against the O/U and AH prices its
 * season-file row quotes (matched on date, home and away as the file names them).
 */
export function backtestGoalsMarkets(
  rows: readonly BacktestRow[],
  parsed: readonly ParsedMatch[],
  margin: MarginMethod,
  bootstrap?: BootstrapOptions,
): GoalsMarketComparison[] | undefined {
  const prices = goalsPriceMap(
    parsed.map((r) => ({ ...r, goalsPrices: { totals: r.totals, asianHandicap: r.asianHandicap ?? [] } })),
  )
  if (!prices) return undefined
  const indices = rows.flatMap((r, i) => (r.goals ? [i] : []))
  return goalsMarketsOf(rows, indices, prices, margin, bootstrap)
}
