import { DixonColesError } from './errors'

/**
 * Compact, column-oriented match list. Typed arrays so a fit can be shipped to a worker thread
 * (structured clone / transfer) without per-match objects. `home[i]`, `away[i]` index `teams`.
 */
export interface MatchArrays {
  teams: string[]
  home: Int32Array
  away: Int32Array
  homeGoals: Int32Array
  awayGoals: Int32Array
  /** Calendar day of the match as days since 1970-01-01 (UTC). */
  dayNumber: Int32Array
  /** 1 when played at a neutral venue: the home advantage γ is omitted for that match. */
  neutral: Uint8Array
}

/** One finished match in the plain-object form the rest of the app uses. */
export interface MatchInput {
  /** Calendar date `YYYY-MM-DD`. */
  date: string
  home: string
  away: string
  homeGoals: number
  awayGoals: number
  neutral?: boolean
}

export type ModelKind = 'dixon-coles' | 'poisson'

export interface FitOptions {
  /**
   * Time-decay rate ξ per day: a match `d` days before `asOf` gets weight exp(−ξ·d).
   * Default 0 (every match in the window counts fully). Dixon & Coles' half-week value
   * 0.0065/3.5 days ≈ 0.0019 per day is the usual choice for forecasting.
   */
  xi?: number
  /** `YYYY-MM-DD`; matches after it are excluded, decay counts back from it. Default: latest match date. */
  asOf?: string
  /** `YYYY-MM-DD`; matches before it are excluded. Default: no lower bound. */
  from?: string
  /** `'poisson'` fixes ρ = 0 (independent Poisson). Default `'dixon-coles'`. */
  model?: ModelKind
  /** Start Newton from this fit (teams matched by name; new teams start at the league average). */
  warmStart?: FittedModel
  /**
   * Newton iterations per solve before giving up with `converged: false`. Default 100. (A fit whose
   * maximum is on the edge of the τ-region runs a short sequence of solves; `iterations` reports the total.)
   */
  maxIterations?: number
  /** Convergence threshold on the Euclidean norm of the (constrained) gradient. Default 1e-8. */
  tolerance?: number
  /**
   * Teams with few matches in the window are shrunk toward the promoted-team prior (#20): a Gaussian prior worth
   * `matches` pseudo-matches (default {@link SHRINKAGE_DEFAULTS}), tapering to nothing at `fullFrom` matches, so
   * well-observed teams are unchanged. `false`: the plain maximum-likelihood fit.
   */
  shrinkage?: false | { matches?: number; fullFrom?: number }
}

/** A team with 2 matches is shrunk about two thirds of the way to the prior; from 20 matches not at all. */
export const SHRINKAGE_DEFAULTS = { matches: 4, fullFrom: 20 } as const

/** How a fit shrank its teams with few matches (absent when no team had fewer than `fullFrom`). */
export interface ShrinkageReport {
  /** The prior's attack and defence (`main/model/pricing/promotedPrior.ts`) and where it comes from. */
  prior: { attack: number; defence: number; basis: string; description: string }
  /** Teams shrunk, with the prior's weight in pseudo-matches. */
  teams: { name: string; matches: number; weight: number }[]
}

export interface TeamRating {
  name: string
  /** α: log attack strength, Σα = 0 over the teams in the fit. */
  attack: number
  /** β: log defensive weakness (higher concedes more); absorbs the goal-rate intercept. */
  defence: number
  /** Standard errors from the inverse observed information; null when it is not available. */
  attackSe: number | null
  defenceSe: number | null
  /** Matches this team played inside the window (unweighted). */
  matches: number
}

/** A fitted model: plain JSON (no typed arrays, no functions), safe to store and send over IPC. */
export interface FittedModel {
  model: ModelKind
  asOf: string
  from: string | null
  xi: number
  teams: TeamRating[]
  /** γ: log home advantage (0 and SE null when every match was at a neutral venue). */
  homeAdvantage: number
  homeAdvantageSe: number | null
  /** ρ: Dixon-Coles low-score dependence (0 and SE null for the Poisson model). */
  rho: number
  rhoSe: number | null
  /** Weighted log-likelihood including the −log x! − log y! terms. */
  logLikelihood: number
  nMatches: number
  nTeams: number
  iterations: number
  converged: boolean
  /**
   * Euclidean norm of the gradient in the constrained parameters (Σα = 0 eliminated) at the returned
   * point; for a fit on the edge of the τ-region, of the final log-barrier problem.
   */
  gradientNorm: number
  /** Smallest τ over every match in the window and all four low scores (1 for Poisson); > 0 always. */
  minTau: number
  /** Teams present in the input whose matches all fall outside the window: left out of the fit. */
  droppedTeams: string[]
  /** Human-readable notes (dropped teams, parameters fixed because the data cannot inform them, ...). */
  warnings: string[]
  /** Teams with few matches shrunk toward the promoted-team prior (absent when none were). */
  shrinkage?: ShrinkageReport
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const MS_PER_DAY = 86_400_000

/**
 * Day numbers of the dates seen so far (a league's history has a few thousand): a cold fit converts every match
 * date, and parsing one (a regular expression, two Date objects) cost more than the rest of the conversion (#23).
 */
const dayNumbers = new Map<string, number>()
const DAY_NUMBERS_KEPT = 100_000

/** `YYYY-MM-DD` → days since 1970-01-01 (UTC); throws MODEL_BAD_INPUT on anything else. */
export function dayNumberOf(date: string): number {
  let day = dayNumbers.get(date)
  if (day === undefined) {
    day = parseDayNumber(date)
    if (dayNumbers.size >= DAY_NUMBERS_KEPT) dayNumbers.clear()
    dayNumbers.set(date, day)
  }
  return day
}

function parseDayNumber(date: string): number {
  const m = DATE_RE.exec(date)
  if (m) {
    const y = Number(m[1])
    const mo = Number(m[2])
    const d = Number(m[3])
    const ms = Date.UTC(y, mo - 1, d)
    const back = new Date(ms)
    if (back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) {
      return Math.round(ms / MS_PER_DAY)
    }
  }
  throw new DixonColesError(
    'MODEL_BAD_INPUT',
    `Invalid date "${date}": expected a calendar date YYYY-MM-DD`,
    {
      date,
    },
  )
}

/** Days since 1970-01-01 → `YYYY-MM-DD`. */
export function dateOfDayNumber(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10)
}

/** Zeroed compact form of n matches over `teams` (filled in by its builder). */
export function emptyMatchArrays(n: number, teams: string[] = []): MatchArrays {
  return {
    teams,
    home: new Int32Array(n),
    away: new Int32Array(n),
    homeGoals: new Int32Array(n),
    awayGoals: new Int32Array(n),
    dayNumber: new Int32Array(n),
    neutral: new Uint8Array(n),
  }
}

/** Build the compact form; team indices follow first appearance. Validates every row. */
export function toMatchArrays(matches: readonly MatchInput[]): MatchArrays {
  const n = matches.length
  const teams: string[] = []
  const index = new Map<string, number>()
  const out = emptyMatchArrays(n, teams)
  const teamId = (name: string, row: number): number => {
    if (typeof name !== 'string' || name.trim() === '') {
      throw new DixonColesError('MODEL_BAD_INPUT', `Match ${row}: empty team name`, { row })
    }
    let id = index.get(name)
    if (id === undefined) {
      id = teams.length
      teams.push(name)
      index.set(name, id)
    }
    return id
  }
  for (let i = 0; i < n; i++) {
    const m = matches[i]
    const h = teamId(m.home, i)
    const a = teamId(m.away, i)
    if (h === a) {
      throw new DixonColesError('MODEL_BAD_INPUT', `Match ${i} (${m.date}): ${m.home} cannot play itself`, {
        row: i,
      })
    }
    if (!(
      Number.isInteger(m.homeGoals) &&
      m.homeGoals >= 0 &&
      Number.isInteger(m.awayGoals) &&
      m.awayGoals >= 0
    )) {
      throw new DixonColesError(
        'MODEL_BAD_INPUT',
        `Match ${i} (${m.date} ${m.home} v ${m.away}): goals must be non-negative integers, got ${m.homeGoals}-${m.awayGoals}`,
        { row: i },
      )
    }
    out.home[i] = h
    out.away[i] = a
    out.homeGoals[i] = m.homeGoals
    out.awayGoals[i] = m.awayGoals
    out.dayNumber[i] = dayNumberOf(m.date)
    out.neutral[i] = m.neutral ? 1 : 0
  }
  return out
}
