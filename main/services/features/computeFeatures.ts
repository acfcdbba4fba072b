/**
 * Feature computation as pure functions (no I/O, no clock): the rows a rebuild publishes.
 *
 * - `computeTeamForm`: each team's last N matches up to and including the as-of date.
 * - `computeTeamRatings`: attack / defence / SEs and the league's home advantage from a fitted
 *   Dixon-Coles model (`FittedModel` from main/model/dixonColes).
 * - `computeMatchProbabilities`: λ, μ, 1X2 (model / market / blend / calibrated), over 2.5 and BTTS for
 *   fixtures, from the model's `predictFixture`; blending and calibration are passed in by the caller.
 */
import { createHash } from 'node:crypto'
import type { FittedModel } from '../../model/dixonColes/types'
import { predictFixture } from '../../model/dixonColes/predict'
import type { MatchRow, TeamRow } from './featureStore'
import { DEFAULT_FORM_WINDOW } from './views'

export interface PlayedMatch {
  league: string
  /** `YYYY-MM-DD` */
  date: string
  home: string
  away: string
  homeGoals: number
  awayGoals: number
}

export interface Fixture {
  league: string
  date: string
  home: string
  away: string
  /** Kickoff in epoch ms if known (match features expire 24 h after it). */
  kickoff?: number
  neutral?: boolean
  /** Market 1X2 with the margin removed (the method belongs in the lineage note), if odds exist. */
  market?: Triple | null
}

export type Triple = readonly [number, number, number]

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/
const DAY_MS = 86_400_000

function dayOf(date: string, what: string): number {
  const ms = DATE_RE.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN
  if (Number.isNaN(ms)) throw new RangeError(`${what}: "${date}" is not a calendar date YYYY-MM-DD`)
  return Math.round(ms / DAY_MS)
}

/** Event time of features computed as of a date: midnight UTC of that date, in epoch ms. */
export function asOfEventTime(asOf: string): number {
  return dayOf(asOf, 'as-of date') * DAY_MS
}

/**
 * Form of every team that played up to `asOf` (inclusive), over its last `n` matches in any of the
 * given leagues. A team's row is filed under the league of its most recent match (a promoted team's
 * form counts its last matches in the lower league too). Matches on the same date keep input order.
 */
export function computeTeamForm(
  matches: readonly PlayedMatch[],
  asOf: string,
  options: { n?: number } = {},
): TeamRow[] {
  const n = options.n ?? DEFAULT_FORM_WINDOW
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`form window must be a whole number ≥ 1, got ${n}`)
  const asOfDay = dayOf(asOf, 'as-of date')
  const eventTime = asOfDay * DAY_MS
  interface Appearance {
    day: number
    order: number
    league: string
    goalsFor: number
    goalsAgainst: number
  }
  const byTeam = new Map<string, Appearance[]>()
  matches.forEach((m, order) => {
    const day = dayOf(m.date, `match ${order + 1} (${m.home} v ${m.away})`)
    if (day > asOfDay) return
    const add = (team: string, goalsFor: number, goalsAgainst: number) => {
      let list = byTeam.get(team)
      if (!list) byTeam.set(team, (list = []))
      list.push({ day, order, league: m.league, goalsFor, goalsAgainst })
    }
    add(m.home, m.homeGoals, m.awayGoals)
    add(m.away, m.awayGoals, m.homeGoals)
  })
  const rows: TeamRow[] = []
  for (const [team, list] of byTeam) {
    list.sort((a, b) => b.day - a.day || b.order - a.order)
    const window = list.slice(0, n)
    let points = 0
    let goalsFor = 0
    let goalsAgainst = 0
    for (const a of window) {
      points += a.goalsFor > a.goalsAgainst ? 3 : a.goalsFor === a.goalsAgainst ? 1 : 0
      goalsFor += a.goalsFor
      goalsAgainst += a.goalsAgainst
    }
    const k = window.length
    rows.push({
      league: window[0].league,
      team,
      eventTime,
      values: {
        points_per_game: points / k,
        goals_for_per_game: goalsFor / k,
        goals_against_per_game: goalsAgainst / k,
        days_since_last_match: asOfDay - window[0].day,
        matches_in_window: k,
      },
    })
  }
  return rows.sort((a, b) => a.league.localeCompare(b.league) || a.team.localeCompare(b.team))
}

/** The parts of a fitted model the ratings view needs (main/model/dixonColes `FittedModel` fits). */
export type RatingsModel = Pick<FittedModel, 'teams' | 'homeAdvantage' | 'asOf'>

/**
 * One team_ratings row per team of the model; SEs are left out when the fit has none. With `current`, only
 * those teams (the current league: teams that left it are not shown as if they still played in it, #20).
 */
export function computeTeamRatings(
  model: RatingsModel,
  league: string,
  current?: ReadonlySet<string>,
): TeamRow[] {
  const eventTime = asOfEventTime(model.asOf)
  const teams = current && current.size > 0 ? model.teams.filter((t) => current.has(t.name)) : model.teams
  return teams.map((t) => ({
    league,
    team: t.name,
    eventTime,
    values: {
      attack: t.attack,
      defence: t.defence,
      attack_se: t.attackSe,
      defence_se: t.defenceSe,
      home_advantage: model.homeAdvantage,
      matches: t.matches,
    },
  }))
}

export interface MatchProbabilityOptions {
  /** The model version written into every row (and expected in the lineage). */
  modelVersion: string
  /** Model + market -> blend. Without it, or without market odds, the blend is the model. */
  blend?: (model: Triple, market: Triple) => Triple
  /** Blend -> calibrated. Without it, calibrated = blend (identity calibration). */
  calibrate?: (blend: Triple) => Triple
  /** Event time of the rows; default the model's as-of date. */
  eventTime?: number
}

/** match_probabilities rows for fixtures under a fitted model. Teams unknown to the model throw UNKNOWN_TEAM. */
export function computeMatchProbabilities(
  model: FittedModel,
  fixtures: readonly Fixture[],
  options: MatchProbabilityOptions,
): MatchRow[] {
  const eventTime = options.eventTime ?? asOfEventTime(model.asOf)
  return fixtures.map((f) => {
    const p = predictFixture(model, f.home, f.away, { neutral: f.neutral ?? false, topScores: 0 })
    const modelTriple: Triple = [p.pHome, p.pDraw, p.pAway]
    const market = f.market ?? null
    const blend = market && options.blend ? options.blend(modelTriple, market) : modelTriple
    const calibrated = options.calibrate ? options.calibrate(blend) : blend
    const triple = (kind: string, t: Triple | null) =>
      t ? { [`p_home_${kind}`]: t[0], [`p_draw_${kind}`]: t[1], [`p_away_${kind}`]: t[2] } : {}
    return {
      league: f.league,
      date: f.date,
      home: f.home,
      away: f.away,
      kickoff: f.kickoff,
      eventTime,
      values: {
        lambda: p.lambda,
        mu: p.mu,
        ...triple('model', modelTriple),
        ...triple('market', market),
        ...triple('blend', blend),
        ...triple('calibrated', calibrated),
        p_over_2_5: p.overUnder25.over,
        p_btts: p.btts.yes,
        model_version: options.modelVersion,
      },
    }
  })
}

/** `sha256:<16 hex>` of the matches' content, independent of their order: the lineage's data fingerprint. */
export function fingerprintMatches(matches: readonly PlayedMatch[]): string {
  const lines = matches
    .map((m) => `${m.league}|${m.date}|${m.home}|${m.away}|${m.homeGoals}|${m.awayGoals}`)
    .sort()
  return `sha256:${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`
}
