/**
 * The one served-forecast rule for a fixture (pure, no I/O): the league model's Dixon-Coles prediction,
 * the market (entered odds, else the preferred bookmaker's latest snapshot before kick-off, margin removed
 * with the model's method), then `servedForecast` (α null or 0 serves the market, no market serves the
 * model, then the calibrator), with edges, expected values at the best price, the warnings that travel
 * with the numbers, the explanation ending at the served number, and the model's source.
 */
import type { PricedFixture, PricingWarning, ServedStage } from '../../../shared/pricing'
import { servedForecast } from '../../model/blend'
import { predictFixture, type FittedModel } from '../../model/dixonColes'
import { explainServed } from '../../model/explain'
import type { Triple } from '../../model/metrics'
import { asianHandicap, promotedTeamPrior } from '../../model/pricing'
import type { LeagueModel } from '../jackpots/leagueModel'
import { expectedValues, marketOf } from './marketFromSnapshots'
import { modelUsedOf } from './modelUsed'
import { fixtureIdentity, marketServed } from './priceWithoutModel'
import type { FixtureToPrice, PriceOptions } from './types'

/** Champion data older than this before kick-off is stale. */
export const STALE_DAYS = 14
/** Fewer matches than this in the model's window: the rating says so. */
export const FEW_MATCHES = 10

const DAY_MS = 86_400_000
const diff = (a: Triple, b: Triple): Triple => [a[0] - b[0], a[1] - b[1], a[2] - b[2]]

/** The model with a prior rating added for each unrated side, and which sides used it. */
function withPriors(
  model: FittedModel,
  teams: readonly string[],
  warnings: PricingWarning[],
): { model: FittedModel; prior: Set<string> } | null {
  const missing = teams.filter((t) => !model.teams.some((r) => r.name === t))
  if (missing.length === 0) return { model, prior: new Set() }
  // the prior the fit shrank its teams with few matches toward, else the same rule on the fitted ratings
  const prior = model.shrinkage?.prior ?? promotedTeamPrior(model)
  if (!prior) {
    warnings.push({
      code: 'no-model',
      message: `No rating for ${missing.join(' or ')} and no prior to price from.`,
    })
    return null
  }
  for (const t of missing) {
    warnings.push({
      code: 'promoted-prior',
      message: `${t} has no rating in the model (not in its window as of ${model.asOf}): priced from the promoted-team prior, ${prior.description}.`,
    })
  }
  const added = missing.map((name) => ({
    name,
    attack: prior.attack,
    defence: prior.defence,
    attackSe: null,
    defenceSe: null,
    matches: 0,
  }))
  return { model: { ...model, teams: [...model.teams, ...added] }, prior: new Set(missing) }
}

function kickoffDay(input: FixtureToPrice, now: Date | undefined): string | null {
  return input.date ?? input.kickoffUtc?.slice(0, 10) ?? (now ? now.toISOString().slice(0, 10) : null)
}

export function priceFixture(
  leagueModel: LeagueModel,
  input: FixtureToPrice,
  opts: PriceOptions = {},
): PricedFixture {
  const warnings: PricingWarning[] = []
  const fitted = leagueModel.model
  const source = modelUsedOf(leagueModel)
  const day = kickoffDay(input, opts.now)
  if (day && (Date.parse(day) - Date.parse(fitted.asOf)) / DAY_MS > STALE_DAYS) {
    warnings.push({
      code: 'stale',
      message: `stale: last match used ${fitted.asOf}, ${Math.round((Date.parse(day) - Date.parse(fitted.asOf)) / DAY_MS)} days before kick-off`,
    })
  }

  const priced = withPriors(fitted, [input.home, input.away], warnings)
  let prediction: ReturnType<typeof predictFixture> | null = null
  if (priced) {
    try {
      prediction = predictFixture(priced.model, input.home, input.away, { neutral: input.neutral ?? false })
    } catch (error) {
      warnings.push({ code: 'no-model', message: (error as Error).message })
    }
  }
  const ratedOn = (team: string) => priced?.model.teams.find((t) => t.name === team)?.matches ?? 0
  for (const team of [input.home, input.away]) {
    const n = ratedOn(team)
    if (prediction && !priced!.prior.has(team) && n < FEW_MATCHES) {
      warnings.push({ code: 'few-matches', message: `${team} rated on ${n} match${n === 1 ? '' : 'es'}` })
    }
  }

  const market = marketOf(input, leagueModel.margin, opts.preference)
  if (!market)
    warnings.push({ code: 'no-market', message: 'No market price for this fixture: the model is served.' })
  const modelP: Triple | null = prediction ? [prediction.pHome, prediction.pDraw, prediction.pAway] : null
  const ahLine = market?.asianHandicap?.line ?? null

  let served: PricedFixture['served'] = null
  let blendOut: Triple | null = null
  if (modelP) {
    const s = servedForecast(modelP, market?.probabilities ?? null, {
      blend: leagueModel.blend,
      calibrator: leagueModel.calibrator,
    })
    blendOut = s.blend
    const stage: ServedStage = leagueModel.calibrator
      ? 'calibrated'
      : !market
        ? 'model'
        : s.alpha === 0
          ? 'market'
          : 'blend'
    served = {
      probabilities: s.calibrated,
      stage,
      beforeCalibration: s.blend,
      alpha: s.alpha,
      blendKind: market && s.alpha > 0 ? (leagueModel.blend?.kind ?? null) : null,
      calibrator: leagueModel.calibrator?.kind ?? null,
    }
  } else if (market) {
    // no model for this fixture: the market alone, said so by the 'no-model' warning
    served = marketServed(market)
  }

  const explanation =
    opts.explain === false || !prediction || !served || !modelP || !blendOut
      ? null
      : explainServed({
          model: explainFactors(fitted, priced!.model, input),
          modelProbabilities: modelP,
          served: {
            stage: served.stage,
            blend: blendOut,
            probabilities: served.probabilities,
            alpha: served.alpha,
            fittedAlpha: leagueModel.alphaFitted === false ? null : (leagueModel.blend?.alpha ?? null),
            blendKind: leagueModel.blend?.kind ?? null,
            calibrated: !!leagueModel.calibrator,
          },
          market: market
            ? { probabilities: market.probabilities, label: market.label, method: market.marginMethod }
            : null,
          names: { home: input.home, away: input.away },
          priorTeams: { home: priced!.prior.has(input.home), away: priced!.prior.has(input.away) },
          ...(opts.outcome ? { outcome: opts.outcome } : {}),
        })

  return {
    ...fixtureIdentity(input),
    model: prediction
      ? {
          probabilities: modelP!,
          lambda: prediction.lambda,
          mu: prediction.mu,
          over25: prediction.overUnder25.over,
          btts: prediction.btts.yes,
          topScores: prediction.topScores.map((s) => ({
            home: s.homeGoals,
            away: s.awayGoals,
            probability: s.p,
          })),
          asianHandicap: ahLine === null ? null : asianHandicap(prediction.matrix, ahLine),
          ratedOn: { home: ratedOn(input.home), away: ratedOn(input.away) },
        }
      : null,
    market,
    served,
    edge:
      market && served
        ? {
            served: diff(served.probabilities, market.probabilities),
            model: modelP ? diff(modelP, market.probabilities) : null,
          }
        : null,
    ev: served ? expectedValues(input, served.probabilities) : null,
    warnings,
    explanation,
    source,
  }
}

/** The explanation's factors: ratings from the priced model, β̄ from the fitted teams only. */
function explainFactors(fitted: FittedModel, priced: FittedModel, input: FixtureToPrice) {
  const h = priced.teams.find((t) => t.name === input.home)!
  const a = priced.teams.find((t) => t.name === input.away)!
  return {
    gamma: fitted.homeAdvantage,
    alphaHome: h.attack,
    betaHome: h.defence,
    alphaAway: a.attack,
    betaAway: a.defence,
    betaMean: fitted.teams.reduce((s, t) => s + t.defence, 0) / fitted.teams.length,
    rho: fitted.rho,
    neutral: input.neutral ?? false,
  }
}
