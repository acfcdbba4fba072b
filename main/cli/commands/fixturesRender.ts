/**
 * How `scoreline fixtures price` (and `predict --league`) show priced fixtures: a terminal table, one row per
 * fixture, with the models used above it and the warnings spelled out below it; and the `--out` CSV, whose
 * header names what every column holds.
 */
import type { ModelUsed, PricedFixture } from '../../../shared/pricing'
import { csvLine } from '../../core/csvCell'
import { table } from './modelInput'

type Triple = readonly [number, number, number] | readonly number[]
const OUTCOMES = ['home', 'draw', 'away'] as const

const pct = (x: number) => (100 * x).toFixed(1)
const pctTriple = (t: Triple | null | undefined) => (t ? t.map(pct).join(' ') : '—')
const pts = (x: number) => {
  const v = (100 * x).toFixed(1)
  return v === '-0.0' || v === '0.0' ? '0.0' : x > 0 ? `+${v}` : v
}
const ptsTriple = (t: Triple | null | undefined) => (t ? t.map(pts).join(' ') : '—')
const shortTime = (iso: string | null | undefined) => (iso ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : '')
const kickoff = (f: PricedFixture) =>
  f.kickoffUtc ? `${f.kickoffUtc.slice(0, 10)} ${f.kickoffUtc.slice(11, 16)}` : (f.date ?? '')

/** "H +3.1% @2.08 B365": the outcome with the highest expected value at its best price. */
export function bestEv(f: PricedFixture): string {
  if (!f.ev || f.ev.length === 0) return '—'
  const best = [...f.ev].sort((a, b) => b.ev - a.ev)[0]
  const ev = (100 * best.ev).toFixed(1)
  return `${best.outcome} ${best.ev > 0 ? '+' : ''}${ev}% @${best.price.toFixed(2)} ${best.bookmaker}`
}

export const stageText = (f: PricedFixture): string => {
  if (!f.served) return 'unpriced'
  const s = f.served
  if (s.stage === 'blend') return `blend α ${s.alpha.toFixed(2)}`
  if (s.stage === 'calibrated')
    return `calibrated${s.alpha > 0 && s.alpha < 1 ? ` (α ${s.alpha.toFixed(2)})` : ''}`
  return s.stage
}

export const marketText = (f: PricedFixture): string =>
  f.market
    ? `${f.market.bookmaker}, ${f.market.marginMethod}${f.market.observedAt ? `, ${shortTime(f.market.observedAt)}` : ''}`
    : 'no market'

/** One line per model: what priced the fixtures (champion version and run, data as-of, ξ, matches). */
export function renderModels(models: readonly ModelUsed[]): string {
  return models
    .map((m) => (m.kind === 'champion' ? `${m.league}: ${m.summary}\n` : `model used: ${m.summary}\n`))
    .join('')
}

const LEGEND =
  "market: the bookmaker's latest price before kick-off, margin removed by the method named; edge: points of served (or model) probability minus the market's, H D A; best EV: served probability × the best price in the snapshot − 1, at that bookmaker.\n"

/** Each warning once: per fixture, or once with a count when several fixtures share the same message. */
export function warningNotes(fixtures: readonly PricedFixture[]): string[] {
  const byMessage = new Map<string, { code: string; fixtures: string[] }>()
  for (const f of fixtures)
    for (const w of f.warnings) {
      const entry = byMessage.get(w.message) ?? { code: w.code, fixtures: [] }
      entry.fixtures.push(`${f.league} ${f.home} v ${f.away}`)
      byMessage.set(w.message, entry)
    }
  const said = (code: string, message: string) =>
    message.startsWith(`${code}:`) ? message : `${code}: ${message}`
  return [...byMessage].map(([message, { code, fixtures: on }]) =>
    on.length === 1
      ? `  ${on[0]}: ${said(code, message)}\n`
      : `  ${on.length} fixtures: ${said(code, message)}\n`,
  )
}

/** The `fixtures price` table, with the models above and the warnings below. */
/** The counts under a priced table (`priceUpcoming`'s, the contract's `fixtures.price` counts). */
export interface PricedCounts {
  total: number
  priced: number
  stale: number
  unrated: number
  noMarket: number
  noModel?: number
}

export function renderPriced(o: {
  fixtures: readonly PricedFixture[]
  models: readonly ModelUsed[]
  counts?: PricedCounts
}): string {
  const rows = o.fixtures.map((f) => [
    kickoff(f),
    `${f.league} ${f.home} v ${f.away}`,
    pctTriple(f.model?.probabilities),
    pctTriple(f.market?.probabilities),
    marketText(f),
    pctTriple(f.served?.probabilities),
    stageText(f),
    ptsTriple(f.edge?.served),
    ptsTriple(f.edge?.model),
    bestEv(f),
    [...new Set(f.warnings.map((w) => w.code))].join(', '),
  ])
  const parts = [renderModels(o.models)]
  parts.push(
    table(
      [
        'kick-off UTC',
        'fixture',
        'model % H D A',
        'market % H D A',
        'market from (UTC)',
        'served % H D A',
        'served by',
        'edge served',
        'edge model',
        'best EV',
        'warnings',
      ],
      rows,
      ['l', 'l', 'r', 'r', 'l', 'r', 'l', 'r', 'r', 'l', 'l'],
    ),
  )
  parts.push(LEGEND)
  if (o.fixtures.some((f) => f.warnings.length)) parts.push('warnings:\n', ...warningNotes(o.fixtures))
  if (o.counts) parts.push(`${countsLine(o.counts)}\n`)
  return parts.join('')
}

/** "12 fixtures: 10 priced, 1 without a market, …": one wording for the table and `--out`. */
export function countsLine(c: PricedCounts): string {
  return `${c.total} fixture${c.total === 1 ? '' : 's'}: ${c.priced} priced, ${c.noMarket} without a market, ${c.noModel ? `${c.noModel} without a model (market shown, not priced), ` : ''}${c.stale} stale, ${c.unrated} with a team rated on few or no matches`
}

/** The CSV columns of `fixtures price --out`, each name saying what the column holds. */
export const PRICED_CSV_COLUMNS = [
  'match_id',
  'league',
  'kickoff_utc',
  'home',
  'away',
  'model_source',
  ...OUTCOMES.map((o) => `model_p_${o}`),
  'model_expected_goals_home',
  'model_expected_goals_away',
  'model_p_over_2_5',
  'model_p_both_teams_score',
  'market_bookmaker',
  'market_margin_method',
  'market_margin',
  'market_snapshot_utc',
  ...OUTCOMES.map((o) => `market_odds_${o}`),
  ...OUTCOMES.map((o) => `market_p_${o}_margin_free`),
  'served_stage',
  'served_model_weight_alpha',
  ...OUTCOMES.map((o) => `served_p_${o}`),
  ...OUTCOMES.map((o) => `edge_${o}_served_minus_market`),
  ...OUTCOMES.map((o) => `edge_${o}_model_minus_market`),
  ...OUTCOMES.flatMap((o) => [`best_price_${o}`, `best_price_${o}_bookmaker`, `ev_${o}_at_best_price`]),
  'warnings',
] as const

export function pricedCsv(o: { fixtures: readonly PricedFixture[] }): string {
  const lines = [csvLine([...PRICED_CSV_COLUMNS])]
  for (const f of o.fixtures) {
    const m = f.model
    const k = f.market
    const ev = (letter: 'H' | 'D' | 'A') => f.ev?.find((e) => e.outcome === letter) ?? null
    lines.push(
      csvLine([
        f.matchId,
        f.league,
        f.kickoffUtc ?? f.date,
        f.home,
        f.away,
        f.source?.summary ?? null,
        ...(m ? [...m.probabilities] : [null, null, null]),
        m?.lambda ?? null,
        m?.mu ?? null,
        m?.over25 ?? null,
        m?.btts ?? null,
        k?.bookmaker ?? null,
        k?.marginMethod ?? null,
        k?.margin ?? null,
        k?.observedAt ?? null,
        ...(k ? [...k.prices] : [null, null, null]),
        ...(k ? [...k.probabilities] : [null, null, null]),
        f.served?.stage ?? null,
        f.served?.alpha ?? null,
        ...(f.served ? [...f.served.probabilities] : [null, null, null]),
        ...(f.edge ? [...f.edge.served] : [null, null, null]),
        ...(f.edge?.model ? [...f.edge.model] : [null, null, null]),
        ...(['H', 'D', 'A'] as const).flatMap((l) => {
          const e = ev(l)
          return [e?.price ?? null, e?.bookmaker ?? null, e?.ev ?? null]
        }),
        f.warnings.map((w) => `${w.code}: ${w.message}`).join('; '),
      ]),
    )
  }
  return lines.join('\r\n') + '\r\n'
}
