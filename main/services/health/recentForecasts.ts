/**
 * The champion applied, unchanged, to matches played after it was trained: the model's 1X2 from its ratings,
 * the market's (the match's preferred quote with the margin removed by the named method), the blend with the
 * champion's α and its calibrator: exactly what the app would have served before each match.
 */
import { fixtureRates, outcomeProbabilities, type FittedModel } from '../../model/dixonColes'
import { servedForecast, type BlendKind } from '../../model/blend'
import type { Calibrator } from '../../model/calibration'
import { removeMargin, type MarginMethod } from '../../model/market'
import { ModelInputError, resultOf, type Triple } from '../../model/metrics'
import type { ForecastRow } from './healthMath'

export interface PlayedMatchWithOdds {
  date: string
  home: string
  away: string
  homeGoals: number
  awayGoals: number
  neutral?: boolean
  /** Decimal 1X2 odds of the preferred quote, or null when none was quoted. */
  odds: readonly [number, number, number] | null
}

export interface ChampionForecaster {
  model: FittedModel
  blend: { kind: BlendKind; alpha: number | null }
  calibrator: Calibrator | null
  margin: MarginMethod
}

export interface RecentForecasts {
  rows: ForecastRow[]
  /** Matches the champion could not price: a team it has no rating for (e.g. promoted since). */
  skipped: { count: number; teams: string[] }
}

/**
 * Forecasts of every match, with the same rules as the walk-forward: without odds the blend is the model;
 * with α = null (no blend fitted) the blend is the market; the calibrated forecast is the blend when there is
 * no calibrator. Matches with a team unknown to the model are skipped (counted, teams named).
 */
export function forecastMatches(
  champion: ChampionForecaster,
  matches: readonly PlayedMatchWithOdds[],
): RecentForecasts {
  const known = new Set(champion.model.teams.map((t) => t.name))
  const rows: ForecastRow[] = []
  const missing = new Set<string>()
  let skipped = 0
  for (const m of matches) {
    if (!known.has(m.home) || !known.has(m.away)) {
      skipped++
      if (!known.has(m.home)) missing.add(m.home)
      if (!known.has(m.away)) missing.add(m.away)
      continue
    }
    const { lambda, mu } = fixtureRates(champion.model, m.home, m.away, m.neutral ?? false)
    const model: Triple = outcomeProbabilities(lambda, mu, champion.model.rho)
    let market: Triple | null = null
    if (m.odds) {
      try {
        market = removeMargin(m.odds, champion.margin).probabilities
      } catch (error) {
        if (!(error instanceof ModelInputError)) throw error
      }
    }
    const { blend, calibrated } = servedForecast(model, market, champion)
    rows.push({
      date: m.date,
      home: m.home,
      away: m.away,
      result: resultOf(m),
      model,
      market,
      blend,
      calibrated,
    })
  }
  return { rows, skipped: { count: skipped, teams: [...missing].sort() } }
}
