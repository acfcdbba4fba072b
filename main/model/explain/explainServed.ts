// The explanation of a served forecast: the model's own components (exact Shapley, summing to the model's
// probability), then one explicit step per serving stage (the market, or the blend, then the calibrator),
// ending exactly at the served number, in words an analyst reads.
import type { BlendKind } from '../blend/blend'
import { outcomeIndex, type OutcomeLetter as Outcome, type Triple } from '../metrics/probabilities'
import {
  explainFixture,
  explanationSentence,
  type ComponentName,
  type ExplainInput,
  type OutcomeProbabilitiesFn,
} from './explainFixture'

export type ServedStageName = 'model' | 'market' | 'blend' | 'calibrated'

export interface ExplainServedInput {
  /** The model's factors (no market, no calibrator: those are explicit stage steps here). */
  model: Omit<ExplainInput, 'market' | 'calibrator'>
  /** The model's probabilities as priced (the Shapley game's full coalition, to ~1e-16). */
  modelProbabilities: Triple
  /** The served stages' outputs, as the served rule computed them. */
  served: {
    stage: ServedStageName
    /** The blend stage's output: the market when α is 0, the model without a market. */
    blend: Triple
    probabilities: Triple
    alpha: number
    /** The champion's α as stored: null when it was never fitted (too few earlier forecasts). */
    fittedAlpha?: number | null
    blendKind?: BlendKind | null
    calibrated: boolean
  }
  market: { probabilities: Triple; label: string; method: string } | null
  names: { home: string; away: string }
  /** Teams priced from the promoted-team prior (their labels say so). */
  priorTeams?: { home?: boolean; away?: boolean }
  /** Outcome the sentences talk about; default the served favourite. */
  outcome?: Outcome
}

export interface ServedStep {
  key: ComponentName | 'market' | 'blend' | 'calibration'
  kind: 'model' | 'stage'
  label: string
  delta: Triple
}

export interface ServedExplanation {
  outcome: Outcome
  baseline: Triple
  steps: ServedStep[]
  model: Triple
  served: Triple
  stage: ServedStageName
  note: string
  source: string
  sentence: string
}

export const DEFENCE_NOTE =
  'Defence: goals conceded, higher = leakier (attack: goals scored, higher = stronger).'

const OUTCOME_WORDS: Record<Outcome, string> = { H: 'the home win', D: 'the draw', A: 'the away win' }
const METHOD_WORDS: Record<string, string> = {
  shin: 'Shin',
  multiplicative: 'multiplicative',
  additive: 'additive',
  power: 'power',
}

export const percent = (p: number) => `${(p * 100).toFixed(1)} %`
const diff = (a: Triple, b: Triple): Triple => [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
const argMax = (p: Triple): Outcome => (p[0] >= p[1] && p[0] >= p[2] ? 'H' : p[1] >= p[2] ? 'D' : 'A')

/** The model factors' labels: "Home advantage", "Arsenal attack", "Chelsea defence", "Low-score correction". */
export function componentLabel(
  c: ComponentName,
  names: { home: string; away: string },
  prior: { home?: boolean; away?: boolean } = {},
): string {
  const team = (side: 'home' | 'away', what: string) =>
    `${names[side]} ${what}${prior[side] ? ' (promoted-team prior)' : ''}`
  switch (c) {
    case 'homeAdvantage':
      return 'Home advantage'
    case 'homeAttack':
      return team('home', 'attack')
    case 'homeDefence':
      return team('home', 'defence')
    case 'awayAttack':
      return team('away', 'attack')
    case 'awayDefence':
      return team('away', 'defence')
    case 'lowScoreCorrection':
      return 'Low-score correction'
    case 'marketBlend':
      return 'Blend with market'
    case 'calibration':
      return 'Calibration'
  }
}

/** "Market (Pinnacle, Shin)". */
export const marketStepLabel = (label: string, method: string) =>
  `Market (${label}, ${METHOD_WORDS[method] ?? method})`

/** Where the served number comes from, in one sentence. */
export function servedSourceSentence(input: ExplainServedInput, outcome: Outcome): string {
  const j = outcomeIndex(outcome)
  const words = OUTCOME_WORDS[outcome]
  const model = percent(input.modelProbabilities[j])
  const then = input.served.calibrated ? ', then calibrated' : ''
  if (!input.market) {
    return `The model sets this price (no market price for this fixture)${then}: ${percent(input.served.probabilities[j])} for ${words}.`
  }
  const market = percent(input.market.probabilities[j])
  if (input.served.alpha === 0) {
    const why =
      input.served.fittedAlpha === null
        ? 'the blend has not been fitted yet: too few earlier forecasts'
        : 'the model has not beaten it out of sample'
    return `The market sets this price (${why})${then}; the model alone would say ${model} for ${words}, the market ${market}.`
  }
  const a = input.served.alpha
  return `The model blended with the market sets this price (α ${a.toFixed(2)}: ${Math.round(a * 100)} % weight on the model)${then}; the model alone would say ${model} for ${words}, the market ${market}.`
}

/**
 * Baseline (an average team v an average team at a neutral venue), the model's components (exact Shapley
 * over the model's own factors), then the serving stages as explicit steps, ending at the served number:
 * baseline + Σ model steps = model and baseline + Σ all steps = served (each within 1e-12).
 */
export function explainServed(
  input: ExplainServedInput,
  outcomeProbabilities?: OutcomeProbabilitiesFn,
): ServedExplanation {
  const e = explainFixture({ ...input.model }, outcomeProbabilities)
  const names = input.names
  const steps: ServedStep[] = e.contributions.map((c) => ({
    key: c.component,
    kind: 'model',
    label: componentLabel(c.component, names, input.priorTeams),
    delta: c.delta,
  }))
  const { served, market } = input
  const model = input.modelProbabilities
  if (market && served.alpha === 0) {
    steps.push({
      key: 'market',
      kind: 'stage',
      label: marketStepLabel(market.label, market.method),
      delta: diff(served.blend, model),
    })
  } else if (market) {
    steps.push({
      key: 'blend',
      kind: 'stage',
      label: `Blend with market (α ${served.alpha.toFixed(2)})`,
      delta: diff(served.blend, model),
    })
  }
  if (served.calibrated) {
    steps.push({
      key: 'calibration',
      kind: 'stage',
      label: 'Calibration',
      delta: diff(served.probabilities, served.blend),
    })
  }
  const outcome = input.outcome ?? argMax(served.probabilities)
  return {
    outcome,
    baseline: e.baseline,
    steps,
    model,
    served: served.probabilities,
    stage: served.stage,
    note: DEFENCE_NOTE,
    source: servedSourceSentence(input, outcome),
    sentence: explanationSentence(e, outcome, names),
  }
}
