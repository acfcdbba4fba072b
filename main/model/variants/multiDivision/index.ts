/**
 * Several divisions in one Dixon-Coles fit (see `likelihood.ts`): one rating scale for every team, a goal-rate
 * offset per division, and a Gaussian prior toward the division's newcomer rating for teams with little history.
 * A fixture is forecast with the teams' ratings plus the offset of the fixture's division (`fixture.league`, else
 * the home team's latest division); a team with no match in the window gets that division's newcomer rating.
 */
import { variantOfOneShape } from '../common/variantShape'
import { ratingsAsEngineModel } from '../common/engineModel'
import { fitInfoOf } from '../common/fitReport'
import { dixonColesForecast, ratesOf } from '../common/forecast'
import type { GoalModelVariant, VariantFixture, VariantMatch, VariantTerm } from '../types'
import { fitMultiDivision, type MultiDivisionFit } from './fit'

export { fitMultiDivision, DEFAULT_MULTI_DIVISION_PARAMS, type MultiDivisionFit } from './fit'

function explainMultiDivision(
  fit: MultiDivisionFit,
  f: VariantFixture,
): { lambda: VariantTerm[]; mu: VariantTerm[] } | null {
  if (f.home === f.away) return null
  const h = fit.teams.find((t) => t.name === f.home)
  const a = fit.teams.find((t) => t.name === f.away)
  const code = f.league ?? h?.division ?? a?.division
  const div = fit.divisions.find((d) => d.code === code)
  if (!div) return null
  const rating = (t: (typeof fit.teams)[number] | undefined) =>
    t
      ? { attack: t.attack, defence: t.defence, note: '' }
      : { attack: div.newcomerAttack, defence: div.newcomerDefence, note: ' (newcomer prior)' }
  const hr = rating(h)
  const ar = rating(a)
  return {
    lambda: [
      { name: 'home advantage', value: f.neutral ? 0 : fit.homeAdvantage },
      { name: `home attack${hr.note}`, value: hr.attack },
      { name: `away defence${ar.note}`, value: ar.defence },
      { name: 'division offset', value: div.offset },
    ],
    mu: [
      { name: `away attack${ar.note}`, value: ar.attack },
      { name: `home defence${hr.note}`, value: hr.defence },
      { name: 'division offset', value: div.offset },
    ],
  }
}

/**
 * The fit in the engine's form for ONE division: the division of the latest match in `history` (the league a
 * pipeline trains and serves), its offset δ folded into every β so λ = exp(γ + α_home + β_away + δ) and
 * μ = exp(α_away + β_home + δ) are the engine's formula. A team with no match in the window has no rating
 * there (the variant's newcomer prior is not carried over).
 */
function multiDivisionAsEngineModel(fit: MultiDivisionFit, history: readonly VariantMatch[]) {
  let code: string | null = null
  for (const m of history) if (m.date >= fit.from && m.date <= fit.asOf && m.league) code = m.league
  const div =
    fit.divisions.find((d) => d.code === code) ?? fit.divisions.find((d) => d.code === fit.referenceDivision)
  if (!div) return null
  return ratingsAsEngineModel(
    {
      ...fit,
      teams: fit.teams.map((t) => ({ name: t.name, attack: t.attack, defence: t.defence + div.offset })),
      warnings: [
        ...fit.warnings,
        ...(fit.divisions.length > 1
          ? [
              `Ratings of the ${div.code} fixtures (division offset ${div.offset.toFixed(4)} in every defence).`,
            ]
          : []),
        'A team with no match in the window has no rating here (the newcomer prior is not served).',
      ],
    },
    history,
  )
}

export const multiDivisionVariant: GoalModelVariant<MultiDivisionFit> = variantOfOneShape({
  id: 'multi-division',
  label: 'Multi-division Dixon-Coles',
  description:
    'Dixon-Coles fitted on several divisions at once (e.g. E0 + E1): one rating scale, so promoted and relegated ' +
    'teams carry their rating across the move, a goal-rate offset per division, and a Gaussian prior pulling teams ' +
    "with few matches toward the division's newcomer rating.",
  fit: fitMultiDivision,
  predict(fit, fixture) {
    const t = explainMultiDivision(fit, fixture)
    if (!t) return null
    const { lambda, mu } = ratesOf(t)
    return dixonColesForecast(lambda, mu, fit.rho)
  },
  explain: explainMultiDivision,
  asEngineModel: multiDivisionAsEngineModel,
  fitInfo: fitInfoOf,
  summary: (fit) => JSON.parse(JSON.stringify(fit)) as Record<string, unknown>,
})
