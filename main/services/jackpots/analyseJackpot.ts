import { predictFixture } from '../../model/dixonColes'
import { removeMargin } from '../../model/market'
import { servedForecast } from '../../model/blend'
import { applyCalibrator } from '../../model/calibration'
import { explainFixture, explainInputFromFit, explanationSentence } from '../../model/explain'
import { analyseJackpot as jackpotDistribution } from '../../model/jackpot'
import type { Triple } from '../../model/metrics/probabilities'
import { toApiErrorShape } from '../../core/appError'
import type { JackpotRecord, Pick } from './jackpotStore'
import type { MarginMethod } from '../../model/market'
import {
  MARGIN_METHOD,
  type LeagueModel,
  type LeagueModelProvider,
  type LeagueModelSource,
} from './leagueModel'

type Letter = 'H' | 'D' | 'A'
const LETTERS: Letter[] = ['H', 'D', 'A']

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
  market: { probabilities: Triple; method: string; margin: number; source: string } | null
  blend: { probabilities: Triple; kind: string; alpha: number } | null
  calibrated: { probabilities: Triple; kind: string } | null
  /** What the pick is judged on: calibrated, else blend, else model, else market. */
  final: { probabilities: Triple; stage: 'calibrated' | 'blend' | 'model' | 'market' } | null
  pick: { outcomes: Letter[]; probability: number; chosen: boolean } | null
  explanation: {
    outcome: Letter
    baseline: Triple
    contributions: { component: string; delta: Triple }[]
    sentence: string
  } | null
  problems: string[]
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
  options: { margin?: MarginMethod } = {},
): Promise<JackpotAnalysisResult> {
  return analyseJackpotRecord(jackpot, await resolveLeagueModels(jackpot, models), options)
}

function pickLetters(pick: Pick): Letter[] {
  return LETTERS.filter((l) => pick.includes(l))
}

function argMax(p: Triple): Letter {
  return p[0] >= p[1] && p[0] >= p[2] ? 'H' : p[1] >= p[2] ? 'D' : 'A'
}

/**
 * Every probability of every fixture, where it comes from, and the coupon as a whole. A fixture
 * the model cannot price (unknown league, a team without matches in the window) keeps the market
 * figure when odds were entered and says why the model is missing.
 */
export function analyseJackpotRecord(
  jackpot: JackpotRecord,
  models: ResolvedLeagueModels,
  options: { margin?: MarginMethod } = {},
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

    let model: FixtureAnalysis['model'] = null
    let prediction: ReturnType<typeof predictFixture> | null = null
    if (leagueModel) {
      try {
        prediction = predictFixture(leagueModel.model, f.homeTeam ?? f.home, f.awayTeam ?? f.away)
        model = {
          probabilities: [prediction.pHome, prediction.pDraw, prediction.pAway],
          lambda: prediction.lambda,
          mu: prediction.mu,
          topScores: prediction.topScores
            .slice(0, 5)
            .map((s) => ({ home: s.homeGoals, away: s.awayGoals, probability: s.p })),
        }
      } catch (error) {
        problems.push(toApiErrorShape(error).message)
      }
    }

    let market: FixtureAnalysis['market'] = null
    if (f.odds) {
      const removed = removeMargin(
        [f.odds.home, f.odds.draw, f.odds.away],
        leagueModel?.margin ?? options.margin ?? MARGIN_METHOD,
      )
      market = {
        probabilities: removed.probabilities,
        method: removed.method,
        margin: removed.margin,
        source: 'odds entered on the jackpot',
      }
    }

    let blend: FixtureAnalysis['blend'] = null
    if (model && market && leagueModel?.blend) {
      const served = servedForecast(model.probabilities, market.probabilities, {
        blend: leagueModel.blend,
        calibrator: null,
      })
      blend = { probabilities: served.blend, kind: leagueModel.blend.kind, alpha: served.alpha }
    }
    let calibrated: FixtureAnalysis['calibrated'] = null
    const beforeCalibration = blend?.probabilities ?? model?.probabilities ?? null
    if (beforeCalibration && leagueModel?.calibrator) {
      calibrated = {
        probabilities: applyCalibrator(leagueModel.calibrator, beforeCalibration),
        kind: leagueModel.calibrator.kind,
      }
    }
    const final: FixtureAnalysis['final'] = calibrated
      ? { probabilities: calibrated.probabilities, stage: 'calibrated' }
      : blend
        ? { probabilities: blend.probabilities, stage: 'blend' }
        : model
          ? { probabilities: model.probabilities, stage: 'model' }
          : market
            ? { probabilities: market.probabilities, stage: 'market' }
            : null

    let pick: FixtureAnalysis['pick'] = null
    if (final) {
      const outcomes = f.pick ? pickLetters(f.pick) : [argMax(final.probabilities)]
      pick = {
        outcomes,
        probability: outcomes.reduce((s, l) => s + final.probabilities[LETTERS.indexOf(l)], 0),
        chosen: f.pick !== null,
      }
    }

    let explanation: FixtureAnalysis['explanation'] = null
    if (leagueModel && prediction && final && pick) {
      const input = explainInputFromFit(leagueModel.model, f.homeTeam ?? f.home, f.awayTeam ?? f.away, {
        ...(market && leagueModel.blend
          ? { market: { probabilities: market.probabilities, blend: leagueModel.blend } }
          : {}),
        ...(calibrated && leagueModel.calibrator ? { calibrator: leagueModel.calibrator } : {}),
      })
      const result = explainFixture(input)
      const outcome = pick.outcomes.length === 1 ? pick.outcomes[0] : argMax(final.probabilities)
      explanation = {
        outcome,
        baseline: result.baseline,
        contributions: result.contributions.map((c) => ({ component: c.component, delta: c.delta })),
        sentence: explanationSentence(result, outcome, {
          home: f.homeTeam ?? f.home,
          away: f.awayTeam ?? f.away,
        }),
      }
    }

    return {
      position: f.position,
      league: f.league,
      home: f.homeTeam ?? f.home,
      away: f.awayTeam ?? f.away,
      model,
      market,
      blend,
      calibrated,
      final,
      pick,
      explanation,
      problems,
    }
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
