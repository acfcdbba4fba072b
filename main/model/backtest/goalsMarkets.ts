/**
 * The goals markets scored against one bookmaker's prices (#22 §2): the model's over/under 2.5 forecast
 * and its Asian-handicap home-cover probability at the market's own line, against that market's
 * margin-free probabilities, on the same matches, with paired bootstrap intervals by match date.
 *
 * - Over/under 2.5: y = 1 when the match had 3+ goals; binary Brier (p − y)² and log loss per match.
 * - Asian handicap: the market's line of that match (its kind: pre-match `AHh`, closing `AHCh`); the model's
 *   cover W / (W + L) at that line (metrics/goals.ts) against the two-way price made margin-free. Each match
 *   is scored on the share of the stake that was settled: a full win or loss counts 1 (y = 1 or 0), a half
 *   win or half loss of a quarter line counts ½, a push 0 (left out). The weighted mean Brier
 *   Σ w (p − y)² / Σ w and log loss are proper for W / (W + L): their expectation is smallest at exactly
 *   that p. Intervals resample match dates with each match weighted by its settled share.
 * - Margin removal: the 1X2 comparison's methods (market/margins.ts) applied to the two-way price.
 */
import { removeMarginN, type MarginMethod } from '../market'
import {
  binaryBrier,
  binaryLogLoss,
  homeCoverProbability,
  settleAsianHandicap,
  type GoalDifference,
} from '../metrics/goals'
import { pairedBootstrap, type BootstrapInterval, type BootstrapOptions } from '../compare/pairedBootstrap'
import { StageGate } from './stageGate'

export type PriceKind = 'pre-match' | 'closing'

export interface TotalsPrice {
  bookmaker: string
  kind: PriceKind
  line: number
  over: number
  under: number
}

export interface HandicapPrice {
  bookmaker: string
  kind: PriceKind
  /** The home side's handicap. */
  line: number
  home: number
  away: number
}

/** One finished match: the model's goals forecast (walk-forward row `goals`) and the prices quoted for it. */
export interface GoalsMarketMatch {
  date: string
  homeGoals: number
  awayGoals: number
  model: { over25: number; goalDifference: GoalDifference } | null
  totals: readonly TotalsPrice[]
  asianHandicap: readonly HandicapPrice[]
}

export interface GoalsMarketKey {
  bookmaker: string
  kind: PriceKind
}

export interface BinaryScores {
  brier: number
  log_loss: number
}

export interface GoalsMarketScore {
  /** Matches scored (model forecast and this market's price; for AH, settled stake > 0). */
  n: number
  model: BinaryScores
  market: BinaryScores
  /** Model minus market, per match, mean with a paired bootstrap interval (negative: the model better). */
  brier_diff: BootstrapInterval
  log_loss_diff: BootstrapInterval
  /** O/U: share of matches over 2.5. AH: share of the settled stake the home side won. */
  observed_rate: number
}

export interface AsianHandicapScore extends GoalsMarketScore {
  /** Matches at this market's line that pushed entirely (not scored). */
  pushes: number
  /** Matches settled by half (quarter lines), each weighted ½. */
  half_settled: number
}

export interface GoalsMarketComparison {
  market: GoalsMarketKey
  margin: MarginMethod
  over25: GoalsMarketScore | null
  asian_handicap: AsianHandicapScore | null
  /**
   * With `served`: the served over 2.5 (the model's only while its gate is open, else the pre-match market's;
   * {@link gatedOver25}) against this market, in the `model` fields; `model_served` counts the matches the
   * model was served for.
   */
  served_over25?: (GoalsMarketScore & { model_served: number }) | null
}

/**
 * The served over 2.5, match by match (null: no model or no pre-match price): the model's forecast while its
 * gate is open, else `base`'s margin-free price. The gate is the 1X2 stages' (stageGate.ts, a one-sided
 * paired betting e-process at level 5 %, valid at every date) fed the binary forecasts as [p, 0, 1 − p] —
 * whose RPS is exactly the binary Brier (p − y)² — on the matches of EARLIER dates only, so no forecast sees
 * its own result. `minRows` earlier pairs before it may open (the walk-forward's minHistory).
 */
export function gatedOver25(
  matches: readonly GoalsMarketMatch[],
  base: GoalsMarketKey,
  margin: MarginMethod,
  minRows: number,
): { served: (number | null)[]; modelServed: boolean[] } {
  const order = matches
    .map((_, i) => i)
    .sort((a, b) => (matches[a].date < matches[b].date ? -1 : matches[a].date > matches[b].date ? 1 : a - b))
  const gate = new StageGate(minRows)
  const served: (number | null)[] = matches.map(() => null)
  const modelServed = matches.map(() => false)
  let pending: { model: number; market: number; over: boolean }[] = []
  let date = ''
  for (const i of order) {
    const m = matches[i]
    if (m.date !== date) {
      for (const r of pending) {
        gate.add([r.model, 0, 1 - r.model], [r.market, 0, 1 - r.market], r.over ? 'H' : 'A')
      }
      pending = []
      date = m.date
    }
    const t = m.totals.find((q) => q.line === 2.5 && isKey(q, base))
    const market = t ? twoWay(t.over, t.under, margin) : null
    if (!m.model || market === null) continue
    modelServed[i] = gate.open
    served[i] = gate.open ? m.model.over25 : market
    pending.push({ model: m.model.over25, market, over: m.homeGoals + m.awayGoals > 2.5 })
  }
  return { served, modelServed }
}

const isKey = (q: { bookmaker: string; kind: PriceKind }, k: GoalsMarketKey) =>
  q.bookmaker === k.bookmaker && q.kind === k.kind

/** The first probability of a margin-free two-way price, or null when the price is unusable. */
function twoWay(a: number, b: number, margin: MarginMethod): number | null {
  try {
    return removeMarginN([a, b], margin).probabilities[0]
  } catch {
    return null
  }
}

interface Scored {
  date: string
  weight: number
  y: 0 | 1
  model: number
  market: number
}

function summarise(
  scored: readonly Scored[],
  bootstrap: BootstrapOptions | undefined,
): GoalsMarketScore | null {
  const total = scored.reduce((s, r) => s + r.weight, 0)
  if (total === 0) return null
  const mean = (f: (r: Scored) => number) => scored.reduce((s, r) => s + r.weight * f(r), 0) / total
  // each match enters the bootstrap once per settled half stake, so its mean is the weighted mean
  const diffs = (score: (p: number, y: 0 | 1) => number) => {
    const d: number[] = []
    const dates: string[] = []
    for (const r of scored) {
      for (let k = 0; k < Math.round(r.weight * 2); k++) {
        d.push(score(r.model, r.y) - score(r.market, r.y))
        dates.push(r.date)
      }
    }
    return pairedBootstrap(d, dates, bootstrap)
  }
  return {
    n: scored.filter((r) => r.weight > 0).length,
    model: {
      brier: mean((r) => binaryBrier(r.model, r.y)),
      log_loss: mean((r) => binaryLogLoss(r.model, r.y)),
    },
    market: {
      brier: mean((r) => binaryBrier(r.market, r.y)),
      log_loss: mean((r) => binaryLogLoss(r.market, r.y)),
    },
    brier_diff: diffs(binaryBrier),
    log_loss_diff: diffs(binaryLogLoss),
    observed_rate: mean((r) => r.y),
  }
}

/** Over/under 2.5 and Asian handicap of the model against `market`'s prices, on the matches quoting each. */
export function compareGoalsMarkets(
  matches: readonly GoalsMarketMatch[],
  market: GoalsMarketKey,
  margin: MarginMethod,
  bootstrap?: BootstrapOptions,
  served?: { served: readonly (number | null)[]; modelServed: readonly boolean[] },
): GoalsMarketComparison {
  const ou: Scored[] = []
  const sv: Scored[] = []
  let modelServed = 0
  const ah: Scored[] = []
  let pushes = 0
  let halfSettled = 0
  for (const [i, m] of matches.entries()) {
    if (!m.model) continue
    const t = m.totals.find((q) => q.line === 2.5 && isKey(q, market))
    const pOver = t ? twoWay(t.over, t.under, margin) : null
    if (pOver !== null) {
      const y = m.homeGoals + m.awayGoals > 2.5 ? 1 : 0
      ou.push({ date: m.date, weight: 1, y, model: m.model.over25, market: pOver })
      const p = served?.served[i]
      if (p != null) {
        sv.push({ date: m.date, weight: 1, y, model: p, market: pOver })
        if (served?.modelServed[i]) modelServed++
      }
    }
    const h = m.asianHandicap.find((q) => isKey(q, market))
    const pHome = h ? twoWay(h.home, h.away, margin) : null
    if (h && pHome !== null) {
      const s = settleAsianHandicap(m.homeGoals - m.awayGoals, h.line)
      const weight = s.won + s.lost
      if (weight === 0) pushes++
      else if (weight < 1) halfSettled++
      if (weight > 0) {
        const model = homeCoverProbability(m.model.goalDifference, h.line)
        ah.push({ date: m.date, weight, y: s.won > 0 ? 1 : 0, model, market: pHome })
      }
    }
  }
  const ahScore = summarise(ah, bootstrap)
  const svScore = served ? summarise(sv, bootstrap) : null
  return {
    market,
    margin,
    over25: summarise(ou, bootstrap),
    asian_handicap: ahScore ? { ...ahScore, pushes, half_settled: halfSettled } : null,
    ...(served ? { served_over25: svScore ? { ...svScore, model_served: modelServed } : null } : {}),
  }
}
