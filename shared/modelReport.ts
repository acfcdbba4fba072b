/**
 * How a model's figures are said, the same way in the pipeline's output, the CLI, the Dashboard's last run and
 * the Models screen (#20): which forecast an RPS belongs to ("served: market (blend off), 0.1971; model
 * 0.2005"), a promotion decision's label and its short text, and the "rated on N matches" mark. Plain
 * functions (no Node, no zod), so the renderer imports them too.
 */

/** Scores are quoted with 4 decimals everywhere (never `0.197123456`). */
export const fmt4 = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(4)

/**
 * What the app serves once a run's gates are read: the model alone (no market in the data), the market (α = 0:
 * the blend has not beaten it out of sample), the blend, each possibly followed by the calibrator.
 */
export interface ServedStageInput {
  /** The blend weight on the model the run ended with: null = no market (the model is served), 0 = blend off. */
  alpha: number | null | undefined
  /** Whether the calibrator is served (its gate open). */
  calibrated?: boolean | null
  /** Whether the matches had market odds (default: yes when α is set). */
  hasMarket?: boolean | null
}

export function servedForecastLabel({ alpha, calibrated, hasMarket }: ServedStageInput): string {
  const base =
    alpha === null || alpha === undefined
      ? hasMarket
        ? 'market (no blend fitted)'
        : 'model (no market)'
      : alpha === 0
        ? 'market (blend off)'
        : `blend (α ${alpha.toFixed(2)})`
  return calibrated ? `${base}, calibrated` : base
}

/** The RPS figures of one evaluation, each saying which forecast it is. */
export interface RpsQuoteInput extends ServedStageInput {
  /** The served (calibrated) forecast's RPS: the promotion metric. */
  served: number | null | undefined
  model: number | null | undefined
  market?: number | null | undefined
  /** Matches scored (every figure is on the same matches). */
  n?: number | null | undefined
}

/** "served: market (blend off), 0.1971; model 0.2005; market 0.1971 (378 matches)". */
export function describeRps(q: RpsQuoteInput): string {
  if (q.hasMarket === undefined && q.market !== undefined && q.market !== null) q = { ...q, hasMarket: true }
  const parts = [`served: ${servedForecastLabel(q)}, ${fmt4(q.served)}`, `model ${fmt4(q.model)}`]
  if (q.market !== undefined && q.market !== null) parts.push(`market ${fmt4(q.market)}`)
  const n = q.n !== undefined && q.n !== null ? ` (${q.n} matches)` : ''
  return `${parts.join('; ')}${n}`
}

/**
 * A promotion decision's outcome: what the label says. The decision's `reason` is one plain sentence
 * (≤ {@link DECISION_TEXT_MAX} characters, 4 decimals) and its `detail` the full account.
 */
export const DECISION_OUTCOMES = [
  'first-version',
  'beat-champion',
  'tie-break',
  'below-margin',
  'not-comparable',
  'not-servable',
  'manual',
  'rollback',
  'unchanged',
] as const
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number]

export const DECISION_TEXT_MAX = 120

const LABELS: Record<DecisionOutcome, string> = {
  'first-version': 'champion (first version)',
  'beat-champion': 'promoted: beat the champion',
  'tie-break': 'promoted: better model, served forecasts tie',
  'below-margin': 'challenger: improvement below the margin',
  'not-comparable': 'challenger: not comparable with the champion',
  'not-servable': 'challenger: the app cannot serve this model yet',
  manual: 'promoted by hand',
  rollback: 'rolled back',
  unchanged: 'already champion',
}

export function isDecisionOutcome(x: unknown): x is DecisionOutcome {
  return typeof x === 'string' && (DECISION_OUTCOMES as readonly string[]).includes(x)
}

/**
 * The label of a decision: from its outcome when recorded, else from the action (decisions recorded before
 * outcomes existed; a 'promote' then says only "promoted", never "beat the champion", which a first version did not).
 */
export function decisionLabel(d: { outcome?: string | null; action: string }): string {
  if (isDecisionOutcome(d.outcome)) return LABELS[d.outcome]
  switch (d.action) {
    case 'promote':
      return 'promoted'
    case 'manual-promote':
      return LABELS.manual
    case 'rollback':
      return LABELS.rollback
    case 'unchanged':
      return LABELS.unchanged
    default:
      return 'challenger'
  }
}

/** One line of at most {@link DECISION_TEXT_MAX} characters (the full text belongs in `detail`). */
export function shortText(text: string, max = DECISION_TEXT_MAX): string {
  const t = text.replace(/\s+/g, ' ').trim()
  return t.length <= max ? t : `${t.slice(0, max - 1).trimEnd()}…`
}

/** Why fewer matches were scored than the evaluation window holds ("2 without odds, 1 with an unrated team"). */
export function evaluationCountNote(c: {
  evaluation: number
  scored: number
  noOdds: number
  noRating: number
}): string {
  if (c.scored === c.evaluation) return `all ${c.evaluation} matches scored`
  const why = [
    c.noOdds > 0 ? `${c.noOdds} without odds` : null,
    c.noRating > 0 ? `${c.noRating} with a team the model had no rating for` : null,
  ].filter((x): x is string => x !== null)
  return `${c.scored} of ${c.evaluation} matches scored${why.length ? `: ${why.join(', ')}` : ''}`
}

/** Teams rated on fewer matches than this are marked ("rated on 4 matches") and shrunk toward a prior. */
export const FEW_MATCHES = 10

/** "rated on 4 matches" below {@link FEW_MATCHES}, else null. */
export function ratedOnLabel(matches: number | null | undefined): string | null {
  if (matches === null || matches === undefined || !Number.isFinite(matches) || matches >= FEW_MATCHES)
    return null
  return `rated on ${matches} match${matches === 1 ? '' : 'es'}`
}
