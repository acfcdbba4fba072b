import { analyseJackpot as jackpotDistribution } from '../../model/jackpot'
import type { Triple } from '../../model/metrics/probabilities'
import { toApiErrorShape } from '../../core/appError'
import type { PricedFixture, PricingWarning, ServedExplanationDto } from '../../../shared/pricing'
import type { MarginMethod } from '../../model/market'
import { priceFixture, priceWithoutModel, type FixtureToPrice, type PriceSnapshotLike } from '../pricing'
import type { JackpotRecord, Pick } from './jackpotStore'
import {
  MARGIN_METHOD,
  type LeagueModel,
  type LeagueModelProvider,
  type LeagueModelSource,
} from './leagueModel'

type Letter = 'H' | 'D' | 'A'
const LETTERS: Letter[] = ['H', 'D', 'A']

/**
 * A jackpot fixture priced through the one served-forecast rule (`priceFixture`): the figures the ticket
 * shows, the pick, the explanation ending at the served number, and the whole priced fixture.
 */
export interface FixtureAnalysis {
  position: number
  league: string | null
  home: string
  away: string
  model: {
    probabilities: Triple
    lambda: number
    mu: number
    topScores: { home: number; away: number; probability: number }[]
  } | null
  market: {
    probabilities: Triple
    method: string
    margin: number
    /** "Pinnacle, snapshot 2032-06-05 09:00 UTC" or "odds entered on the jackpot". */
    source: string
    bookmaker: string
    prices: Triple
    observedAt: string | null
  } | null
  /** The blend stage (α 0: the market itself) when there are a model and a market. */
  blend: { probabilities: Triple; kind: string; alpha: number } | null
  calibrated: { probabilities: Triple; kind: string } | null
  /** The served forecast the pick is judged on, and the stage that served it. */
  final: { probabilities: Triple; stage: 'calibrated' | 'blend' | 'model' | 'market' } | null
  pick: { outcomes: Letter[]; probability: number; chosen: boolean } | null
  explanation: ServedExplanationDto | null
  warnings: PricingWarning[]
  priced: PricedFixture
  problems: string[]
}

/** What the data layer knows of a jackpot fixture to come (its latest snapshots before kick-off). */
export interface UpcomingMatch {
  matchId: number
  date: string
  kickoffUtc: string
  snapshots: PriceSnapshotLike[]
}

export interface AnalyseOptions {
  /** Margin method for the market when no model prices a fixture. */
  margin?: MarginMethod
  /** The fixture to come for a pairing (its snapshots price a fixture entered without odds). */
  findUpcoming?: (q: { league: string; home: string; away: string }) => UpcomingMatch | null
  now?: Date
}

export interface JackpotAnalysisResult {
  id: string
  name: string
  fixtures: FixtureAnalysis[]
  summary: {
    priced: number
    pAllCorrect: number
    expectedCorrect: number
    distribution: number[]
    atLeast: number[]
    riskiest: { position: number; probability: number }[]
  } | null
  models: {
    league: string
    description: string
    evaluation: LeagueModel['evaluation']
    source: {
      kind: LeagueModelSource['kind']
      modelName: string | null
      version: string | null
      runId: string | null
      reason: string | null
    }
    marginMethod: string
  }[]
}

/** Each league's model, or why it could not be had. */
export type ResolvedLeagueModels = Map<string, LeagueModel | Error>

/** Looks up the model of every league of the jackpot (the champion, or a fit when there is none). */
export async function resolveLeagueModels(
  jackpot: { fixtures: JackpotRecord['fixtures'] },
  models: LeagueModelProvider,
): Promise<ResolvedLeagueModels> {
  const leagues = [...new Set(jackpot.fixtures.map((f) => f.league).filter((l): l is string => !!l))]
  const out: ResolvedLeagueModels = new Map()
  for (const league of leagues) {
    try {
      out.set(league, await models.get(league))
    } catch (error) {
      out.set(league, error instanceof Error ? error : new Error(String(error)))
    }
  }
  return out
}

/** Resolves the leagues' models, then prices and explains every fixture. */
export async function priceJackpot(
  jackpot: JackpotRecord,
  models: LeagueModelProvider,
  options: AnalyseOptions = {},
): Promise<JackpotAnalysisResult> {
  // without a kick-off date, today bounds it from below: data staler than 14 days today is stale at kick-off
  return analyseJackpotRecord(jackpot, await resolveLeagueModels(jackpot, models), {
    ...options,
    now: options.now ?? new Date(),
  })
}

function pickLetters(pick: Pick): Letter[] {
  return LETTERS.filter((l) => pick.includes(l))
}

function argMax(p: Triple): Letter {
  return p[0] >= p[1] && p[0] >= p[2] ? 'H' : p[1] >= p[2] ? 'D' : 'A'
}

const snapshotTime = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`

/** The ticket's figures of a priced fixture (the served forecast is what the pick is judged on). */
function fixtureFigures(
  p: PricedFixture,
  chosen: Pick | null,
): Omit<FixtureAnalysis, 'position' | 'league' | 'problems'> {
  const served = p.served
  const final = served ? { probabilities: served.probabilities, stage: served.stage } : null
  let pick: FixtureAnalysis['pick'] = null
  if (final) {
    const outcomes = chosen ? pickLetters(chosen) : [argMax(final.probabilities)]
    pick = {
      outcomes,
      probability: outcomes.reduce((s, l) => s + final.probabilities[LETTERS.indexOf(l)], 0),
      chosen: chosen !== null,
    }
  }
  return {
    home: p.home,
    away: p.away,
    model: p.model
      ? {
          probabilities: p.model.probabilities,
          lambda: p.model.lambda,
          mu: p.model.mu,
          topScores: p.model.topScores,
        }
      : null,
    market: p.market
      ? {
          probabilities: p.market.probabilities,
          method: p.market.marginMethod,
          margin: p.market.margin,
          source: p.market.observedAt
            ? `${p.market.label}, snapshot ${snapshotTime(p.market.observedAt)}`
            : p.market.label,
          bookmaker: p.market.bookmaker,
          prices: p.market.prices,
          observedAt: p.market.observedAt,
        }
      : null,
    blend:
      served && p.model && p.market
        ? {
            probabilities: served.beforeCalibration,
            kind: served.blendKind ?? p.source?.blend?.kind ?? 'log',
            alpha: served.alpha,
          }
        : null,
    calibrated: served?.calibrator ? { probabilities: served.probabilities, kind: served.calibrator } : null,
    final,
    pick,
    explanation: p.explanation,
    warnings: p.warnings,
    priced: p,
  }
}

/**
 * Every probability of every fixture, where it comes from, and the coupon as a whole, each fixture priced
 * through `priceFixture` (the rule every screen and command serves by: α null or 0 serves the market, no
 * market serves the model, then the calibrator). Odds entered on the jackpot win; a fixture entered without
 * odds takes the latest snapshot of the matching fixture to come. A fixture no model can price (no league,
 * no model) keeps the market figure when it has a price and says why the model is missing; a team without a
 * rating is priced from the promoted-team prior, said so in its warnings.
 */
export function analyseJackpotRecord(
  jackpot: JackpotRecord,
  models: ResolvedLeagueModels,
  options: AnalyseOptions = {},
): JackpotAnalysisResult {
  const used = new Map<string, LeagueModel>()
  const fixtures = jackpot.fixtures.map((f): FixtureAnalysis => {
    const problems: string[] = []
    let leagueModel: LeagueModel | null = null
    if (!f.league) problems.push('No league for this fixture: the model cannot price it.')
    else {
      const found = models.get(f.league)
      if (!found) problems.push(`No model was looked up for ${f.league}.`)
      else if (found instanceof Error) problems.push(toApiErrorShape(found).message)
      else {
        leagueModel = found
        used.set(f.league, found)
      }
    }
    const home = f.homeTeam ?? f.home
    const away = f.awayTeam ?? f.away
    const upcoming =
      f.league && options.findUpcoming ? options.findUpcoming({ league: f.league, home, away }) : null
    const input: FixtureToPrice = {
      league: f.league ?? '',
      home,
      away,
      date: upcoming?.date ?? jackpot.deadline?.slice(0, 10) ?? null,
      kickoffUtc: upcoming?.kickoffUtc ?? null,
      matchId: upcoming?.matchId ?? null,
      snapshots: upcoming?.snapshots ?? [],
      enteredOdds: f.odds,
    }
    const picked = f.pick && f.pick.length === 1 ? (f.pick as Letter) : undefined
    const priced = leagueModel
      ? priceFixture(leagueModel, input, { ...(picked ? { outcome: picked } : {}), now: options.now })
      : priceWithoutModel(input, problems.join(' '), options.margin ?? MARGIN_METHOD)
    for (const w of priced.warnings) if (w.code === 'no-model' && leagueModel) problems.push(w.message)
    return { position: f.position, league: f.league, ...fixtureFigures(priced, f.pick), problems }
  })

  const priced = fixtures.filter((f) => f.final && f.pick)
  const summary =
    priced.length === 0
      ? null
      : (() => {
          const d = jackpotDistribution(
            priced.map((f) => ({
              probabilities: f.final!.probabilities,
              pick: f.pick!.outcomes,
              label: String(f.position),
            })),
          )
          return {
            priced: priced.length,
            pAllCorrect: d.pAllCorrect,
            expectedCorrect: d.expectedCorrect,
            distribution: d.distribution,
            atLeast: d.atLeast,
            riskiest: d.riskiest
              .slice(0, 5)
              .map((leg) => ({ position: Number(leg.label), probability: leg.probability })),
          }
        })()

  return {
    id: jackpot.id,
    name: jackpot.name,
    fixtures,
    summary,
    models: [...used.values()].map((m) => ({
      league: m.league,
      description: m.source.description,
      evaluation: m.evaluation,
      source:
        m.source.kind === 'champion'
          ? {
              kind: m.source.kind,
              modelName: m.source.modelName,
              version: m.source.version,
              runId: m.source.runId,
              reason: null,
            }
          : { kind: m.source.kind, modelName: null, version: null, runId: null, reason: m.source.reason },
      marginMethod: m.margin,
    })),
  }
}
