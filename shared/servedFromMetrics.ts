/**
 * Which forecast a pipeline run's `rps` scores, read from the metrics the run logged (#20), so a summary can say
 * "served: market (blend off), 0.1971; model 0.2005" (shared/modelReport.ts words it). No market RPS: the
 * model is served; α absent or 0: the market (the blend has not beaten it out of sample); the calibrator is
 * served when its RPS differs from the blend's it would replace (a closed gate passes the blend through).
 */
import { describeRps, servedForecastLabel, type RpsQuoteInput } from './modelReport'

export function rpsQuoteFromMetrics(m: Readonly<Record<string, number | undefined>>): RpsQuoteInput | null {
  const served = m.rps ?? m.calibrated_rps
  if (served === undefined) return null
  const market = m.market_rps
  const alpha = market === undefined ? null : (m.alpha ?? 0)
  const calibrated =
    m.calibrated_rps !== undefined &&
    m.blend_rps !== undefined &&
    Math.abs(m.calibrated_rps - m.blend_rps) > 1e-12
  return {
    alpha,
    calibrated,
    served,
    model: m.model_rps ?? null,
    market: market ?? null,
    n: m.calibrated_n ?? m.model_n ?? null,
  }
}

/** "market (blend off)" for a run's metrics, or null when it logged no RPS. */
export function servedLabelFromMetrics(m: Readonly<Record<string, number | undefined>>): string | null {
  const q = rpsQuoteFromMetrics(m)
  return q ? servedForecastLabel(q) : null
}

/** The whole quote for a run's metrics ("served: …, 0.1971; model 0.2005; market 0.1971 (373 matches)"). */
export function describeRpsFromMetrics(m: Readonly<Record<string, number | undefined>>): string | null {
  const q = rpsQuoteFromMetrics(m)
  return q ? describeRps(q) : null
}
