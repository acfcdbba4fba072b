// Shapley decomposition of one fixture's final 1X2 probabilities into the model's ingredients, from an
// "average team v average team at a neutral venue" baseline. See shapley.ts for the game itself.
import {
  outcomeProbabilities as dixonColesOutcomes,
  outcomeProbabilitiesGrid,
  teamRating,
} from '../dixonColes/predict'
import type { FittedModel } from '../dixonColes/types'
import { applyBlend, type BlendSpec } from '../blend/blend'
import { applyCalibrator, type Calibrator } from '../calibration/calibrator'
import {
  assertTriple,
  ModelInputError,
  outcomeIndex,
  type Outcome,
  type Triple,
} from '../metrics/probabilities'
import { shapleyValues } from './shapley'

export type ComponentName =
  | 'homeAdvantage'
  | 'homeAttack'
  | 'homeDefence'
  | 'awayAttack'
  | 'awayDefence'
  | 'lowScoreCorrection'
  | 'marketBlend'
  | 'calibration'

export interface ExplainInput {
  /** γ, log home advantage. */
  gamma: number
  /** α_home, β_home: the home team's log attack and log defence (defensive weakness) parameters. */
  alphaHome: number
  betaHome: number
  alphaAway: number
  betaAway: number
  /** β̄: the mean defence parameter over the fitted teams (with Σα = 0 the average team has α = 0). */
  betaMean: number
  rho: number
  /** At a neutral venue γ is not applied, so homeAdvantage contributes exactly 0. */
  neutral?: boolean
  /** Margin-free market probabilities and the blend applied to them. */
  market?: { probabilities: Triple; blend: BlendSpec }
  calibrator?: Calibrator
}

export interface Contribution {
  component: ComponentName
  /** Shapley value for [home, draw, away]; the three sum to 0 (each v(S) is a distribution). */
  delta: Triple
}

export interface FixtureExplanation {
  /** Players in the order used: the six model components, then marketBlend / calibration if given. */
  components: ComponentName[]
  /** v(∅): an average team v an average team at a neutral venue, λ = μ = exp(β̄), ρ = 0. */
  baseline: Triple
  /** v(all): the fixture's final probabilities (model → blend → calibration). */
  final: Triple
  contributions: Contribution[]
  rates: { baseline: { lambda: number; mu: number }; final: { lambda: number; mu: number } }
  /** Value-function evaluations (2^m, each coalition once). */
  evaluations: number
}

export type OutcomeProbabilitiesFn = (lambda: number, mu: number, rho: number) => [number, number, number]

const MODEL_COMPONENTS: ComponentName[] = [
  'homeAdvantage',
  'homeAttack',
  'homeDefence',
  'awayAttack',
  'awayDefence',
  'lowScoreCorrection',
]

function checkFinite(input: ExplainInput): void {
  const keys = ['gamma', 'alphaHome', 'betaHome', 'alphaAway', 'betaAway', 'betaMean', 'rho'] as const
  for (const k of keys) {
    if (typeof input[k] !== 'number' || !Number.isFinite(input[k])) {
      throw new ModelInputError(
        'INVALID_ARGUMENT',
        `explain: ${k} must be a finite number, got ${String(input[k])}`,
      )
    }
  }
}

/** Exact Shapley values of each final probability. v(S) switches the components in S to the fixture's
 * values and leaves the rest at baseline (γ → 0, α → 0, β → β̄, ρ → 0, no blend, no calibration):
 *   λ(S) = exp(γ·[S∋homeAdvantage] + α_home·[S∋homeAttack] + (β_away or β̄)),
 *   μ(S) = exp(α_away·[S∋awayAttack] + (β_home or β̄)),
 *   p(S) = calibrate?(blend?(DC(λ, μ, ρ·[S∋lowScoreCorrection]), market)).
 * All 2^m coalitions (m ≤ 8 → 256) are evaluated once. `outcomeProbabilities` can be injected (tests).
 * Reading the stage components: marketBlend's share is the blend's effect averaged over coalitions,
 * including ones where some team components are still at baseline. A market that agrees with the final
 * model can therefore still get a non-zero share (it pulls an "average team" forecast toward itself). */
export function explainFixture(
  input: ExplainInput,
  outcomeProbabilities: OutcomeProbabilitiesFn = dixonColesOutcomes,
): FixtureExplanation {
  checkFinite(input)
  if (input.market) assertTriple(input.market.probabilities, 'explain: market probabilities')
  const components = [...MODEL_COMPONENTS]
  if (input.market) components.push('marketBlend')
  if (input.calibrator) components.push('calibration')
  const bits = new Map(components.map((c, i) => [c, 1 << i] as const))
  const on = (mask: number, c: ComponentName) => (mask & (bits.get(c) ?? 0)) !== 0
  const gamma = input.neutral ? 0 : input.gamma
  const rates = (mask: number) => ({
    lambda: Math.exp(
      (on(mask, 'homeAdvantage') ? gamma : 0) +
        (on(mask, 'homeAttack') ? input.alphaHome : 0) +
        (on(mask, 'awayDefence') ? input.betaAway : input.betaMean),
    ),
    mu: Math.exp(
      (on(mask, 'awayAttack') ? input.alphaAway : 0) +
        (on(mask, 'homeDefence') ? input.betaHome : input.betaMean),
    ),
  })
  // the coalitions take only 8 values of λ (3 players), 4 of μ (2) and 2 of ρ (1): one grid, each rate's
  // Poisson pmf computed once, λ and μ exactly as rates() computes them
  const m = components.length
  const bit = (c: ComponentName) => bits.get(c) ?? 0
  const lambdaBits = [bit('homeAdvantage'), bit('homeAttack'), bit('awayDefence')]
  const muBits = [bit('awayAttack'), bit('homeDefence')]
  const pack = (mask: number, of: number[]) => of.reduce((k, b, i) => k | (mask & b ? 1 << i : 0), 0)
  const unpack = (k: number, of: number[]) => of.reduce((mask, b, i) => mask | (k & (1 << i) ? b : 0), 0)
  const lambdas = Array.from({ length: 8 }, (_, k) => rates(unpack(k, lambdaBits)).lambda)
  const mus = Array.from({ length: 4 }, (_, k) => rates(unpack(k, muBits)).mu)
  const rhos = [0, input.rho]
  const grid =
    outcomeProbabilities === dixonColesOutcomes
      ? outcomeProbabilitiesGrid(lambdas, mus, rhos)
      : lambdas.map((l) => mus.map((u) => rhos.map((r) => outcomeProbabilities(l, u, r))))
  const rhoBit = bit('lowScoreCorrection')
  const model = (mask: number): Triple =>
    grid[pack(mask, lambdaBits)][pack(mask, muBits)][mask & rhoBit ? 1 : 0]
  const value = (mask: number): Triple => {
    let p: Triple = model(mask)
    if (input.market && on(mask, 'marketBlend'))
      p = applyBlend(input.market.blend, p, input.market.probabilities)
    if (input.calibrator && on(mask, 'calibration')) p = applyCalibrator(input.calibrator, p)
    return p
  }
  const r = shapleyValues(m, value)
  const triple = (x: readonly number[]): Triple => [x[0], x[1], x[2]]
  return {
    components,
    baseline: triple(r.empty),
    final: triple(r.full),
    contributions: components.map((component, i) => ({ component, delta: triple(r.phi[i]) })),
    rates: { baseline: rates(0), final: rates((1 << m) - 1) },
    evaluations: r.evaluations,
  }
}

/** Builds the explanation input for `home` v `away` from a fitted model: β̄ is the plain mean of the
 * fitted teams' defence parameters (Σα = 0 already makes the average attack 0). Throws UNKNOWN_TEAM. */
export function explainInputFromFit(
  model: FittedModel,
  home: string,
  away: string,
  extras: Pick<ExplainInput, 'neutral' | 'market' | 'calibrator'> = {},
): ExplainInput {
  const h = teamRating(model, home)
  const a = teamRating(model, away)
  const betaMean = model.teams.reduce((s, t) => s + t.defence, 0) / model.teams.length
  return {
    gamma: model.homeAdvantage,
    alphaHome: h.attack,
    betaHome: h.defence,
    alphaAway: a.attack,
    betaAway: a.defence,
    betaMean,
    rho: model.rho,
    ...extras,
  }
}

const OUTCOME_PHRASE = ['the home win', 'the draw', 'the away win'] as const

function possessive(name: string): string {
  return /s$/i.test(name) ? `${name}'` : `${name}'s`
}

function componentPhrase(c: ComponentName, names: { home: string; away: string }): string {
  switch (c) {
    case 'homeAdvantage':
      return 'home advantage'
    case 'homeAttack':
      return `${possessive(names.home)} attack`
    case 'homeDefence':
      return `${possessive(names.home)} defence`
    case 'awayAttack':
      return `${possessive(names.away)} attack`
    case 'awayDefence':
      return `${possessive(names.away)} defence`
    case 'lowScoreCorrection':
      return 'the low-score correction'
    case 'marketBlend':
      return 'the market'
    case 'calibration':
      return 'calibration'
  }
}

const pts = (n: number) => `${n} point${n === 1 ? '' : 's'}`

/** One sentence naming the largest driver of `outcome` and the next one that matters, in whole percentage
 * points, e.g. "Arsenal's attack adds +14 points to the home win; the market pulls it back 3 points." */
export function explanationSentence(
  explanation: FixtureExplanation,
  outcome: Outcome,
  names: { home: string; away: string },
): string {
  const j = outcomeIndex(outcome)
  const ranked = explanation.contributions
    .map((c) => ({ component: c.component, points: Math.round(c.delta[j] * 100), raw: c.delta[j] }))
    .filter((c) => c.points !== 0)
    .sort((a, b) => Math.abs(b.raw) - Math.abs(a.raw))
  const target = OUTCOME_PHRASE[j]
  if (ranked.length === 0) {
    const base = Math.round(explanation.baseline[j] * 100)
    return `No single factor moves ${target} by a whole point from the ${base}% of an even match-up.`
  }
  const first = ranked[0]
  const who = componentPhrase(first.component, names)
  let s =
    first.points > 0
      ? `${who} adds +${first.points} points to ${target}`
      : `${who} takes ${pts(-first.points)} off ${target}`
  if (Math.abs(first.points) === 1 && first.points > 0) s = `${who} adds +1 point to ${target}`
  const second = ranked[1]
  if (second) {
    const who2 = componentPhrase(second.component, names)
    const n = Math.abs(second.points)
    if (Math.sign(second.points) !== Math.sign(first.points)) {
      s += second.points < 0 ? `; ${who2} pulls it back ${pts(n)}` : `; ${who2} claws back ${pts(n)}`
    } else {
      s += second.points > 0 ? `; ${who2} adds another ${pts(n)}` : `; ${who2} takes off another ${pts(n)}`
    }
  }
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`
}
