/**
 * Feature view definitions: what each view holds, described as data (name, type, valid range,
 * description per feature) so the registry can store it, another machine can discover it from Redis,
 * and the renderer can show it. `valuesSchema(view)` turns a definition into a zod schema for the
 * API contract; `validateValues` is the same rules with per-feature problem codes for the reports.
 */
import { z } from 'zod'

// The schemas of a view definition and its lineage are part of the API contract: shared/ holds them
// (main/ may import shared/, never the reverse) and the store uses the same objects.
import {
  featureSpecSchema,
  lineageSchema,
  ttlPolicySchema,
  validationPolicySchema,
  viewDefinitionSchema,
} from '../../../shared/api/domains/features'

export { featureSpecSchema, lineageSchema, ttlPolicySchema, validationPolicySchema, viewDefinitionSchema }
export type FeatureSpec = z.infer<typeof featureSpecSchema>
export type TtlPolicy = z.infer<typeof ttlPolicySchema>
export type ValidationPolicy = z.infer<typeof validationPolicySchema>
export type ViewDefinition = z.infer<typeof viewDefinitionSchema>
export type Lineage = z.infer<typeof lineageSchema>

export type FeatureValue = number | string
export type FeatureValues = Record<string, FeatureValue | null | undefined>

const DAY_MS = 86_400_000
export const MATCH_VIEW_TTL_AFTER_KICKOFF_MS = DAY_MS

function num(name: string, min: number, max: number, description: string, required = true): FeatureSpec {
  return { name, type: 'number', min, max, required, description }
}
function int(name: string, min: number, max: number, description: string): FeatureSpec {
  return { name, type: 'integer', min, max, required: true, description }
}

export const teamRatingsView: ViewDefinition = {
  name: 'team_ratings',
  entity: 'team',
  description:
    'Dixon-Coles attack and defence of each team of the current league from the champion model, with standard errors and matches rated on',
  params: {},
  features: [
    num('attack', -5, 5, 'log-scale attack strength α (identified with Σα = 0)'),
    num('defence', -5, 5, 'log-scale defence parameter β (higher concedes more)'),
    num(
      'attack_se',
      0,
      10,
      'standard error of attack (absent when the fit has no information matrix)',
      false,
    ),
    num(
      'defence_se',
      0,
      10,
      'standard error of defence (absent when the fit has no information matrix)',
      false,
    ),
    num('home_advantage', -2, 2, "log-scale home advantage γ of the team's league"),
    {
      name: 'matches',
      type: 'integer',
      min: 0,
      max: 100_000,
      required: false,
      description: "matches the team played in the model's window (below 10: rated on few matches)",
    },
  ],
  ttl: { kind: 'whileActive' },
  validation: 'strict',
  sumsToOne: [],
}

export const DEFAULT_FORM_WINDOW = 6

export function teamFormView(n: number = DEFAULT_FORM_WINDOW): ViewDefinition {
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new RangeError(`team_form window must be 1..100, got ${n}`)
  return {
    name: 'team_form',
    entity: 'team',
    description: `Form over each team's last ${n} matches up to the as-of date`,
    params: { n },
    features: [
      num('points_per_game', 0, 3, 'league points per match in the window (3 win, 1 draw)'),
      num('goals_for_per_game', 0, 20, 'goals scored per match in the window'),
      num('goals_against_per_game', 0, 20, 'goals conceded per match in the window'),
      int('days_since_last_match', 0, 36_500, 'calendar days from the last match to the as-of date'),
      int('matches_in_window', 1, n, `matches counted (at most ${n})`),
    ],
    ttl: { kind: 'whileActive' },
    validation: 'lenient',
    sumsToOne: [],
  }
}
export const teamFormDefaultView = teamFormView()

const triple = (kind: string, required: boolean, what: string): FeatureSpec[] => [
  num(`p_home_${kind}`, 0, 1, `home win probability, ${what}`, required),
  num(`p_draw_${kind}`, 0, 1, `draw probability, ${what}`, required),
  num(`p_away_${kind}`, 0, 1, `away win probability, ${what}`, required),
]

export const matchProbabilitiesView: ViewDefinition = {
  name: 'match_probabilities',
  entity: 'match',
  description: 'Probabilities for upcoming fixtures: model, market, blend and calibrated 1X2, goals markets',
  params: {},
  features: [
    num('lambda', 0, 15, 'expected home goals λ'),
    num('mu', 0, 15, 'expected away goals μ'),
    ...triple('model', true, 'Dixon-Coles model'),
    ...triple('market', false, 'bookmaker odds with the margin removed (method in lineage note)'),
    ...triple('blend', true, 'model blended with the market'),
    ...triple('calibrated', true, 'after calibration'),
    num('p_over_2_5', 0, 1, 'probability of three or more goals'),
    num('p_btts', 0, 1, 'probability both teams score'),
    { name: 'model_version', type: 'string', required: true, description: 'model version that made them' },
  ],
  ttl: { kind: 'afterKickoff', ms: MATCH_VIEW_TTL_AFTER_KICKOFF_MS },
  validation: 'lenient',
  sumsToOne: ['model', 'market', 'blend', 'calibrated'].map((k) => [
    `p_home_${k}`,
    `p_draw_${k}`,
    `p_away_${k}`,
  ]),
}

export const BUILTIN_VIEWS: readonly ViewDefinition[] = [
  teamRatingsView,
  teamFormDefaultView,
  matchProbabilitiesView,
]

export type FeatureProblem =
  'missing' | 'not_finite' | 'wrong_type' | 'not_integer' | 'out_of_range' | 'unknown_feature' | 'sum_not_one'

export interface FeatureIssue {
  feature: string
  problem: FeatureProblem
  /** The offending value as text (NaN and Infinity survive JSON this way). */
  value?: string
  message: string
}

export const SUM_TOLERANCE = 1e-6

/** Every problem with one row's values; an empty list means the row is valid. */
export function validateValues(view: ViewDefinition, values: FeatureValues): FeatureIssue[] {
  const issues: FeatureIssue[] = []
  const known = new Set(view.features.map((f) => f.name))
  for (const name of Object.keys(values)) {
    if (!known.has(name)) {
      issues.push({
        feature: name,
        problem: 'unknown_feature',
        message: `${view.name} has no feature "${name}"`,
      })
    }
  }
  for (const spec of view.features) {
    const value = values[spec.name]
    if (value === undefined || value === null) {
      if (spec.required)
        issues.push({ feature: spec.name, problem: 'missing', message: `${spec.name} is missing` })
      continue
    }
    if (spec.type === 'string') {
      if (typeof value !== 'string' || value === '') {
        issues.push({
          feature: spec.name,
          problem: 'wrong_type',
          value: String(value),
          message: `${spec.name} must be a non-empty string`,
        })
      }
      continue
    }
    if (typeof value !== 'number') {
      issues.push({
        feature: spec.name,
        problem: 'wrong_type',
        value: String(value),
        message: `${spec.name} must be a number`,
      })
      continue
    }
    if (!Number.isFinite(value)) {
      issues.push({
        feature: spec.name,
        problem: 'not_finite',
        value: String(value),
        message: `${spec.name} is ${value}`,
      })
      continue
    }
    if (spec.type === 'integer' && !Number.isInteger(value)) {
      issues.push({
        feature: spec.name,
        problem: 'not_integer',
        value: String(value),
        message: `${spec.name} must be a whole number`,
      })
      continue
    }
    if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
      issues.push({
        feature: spec.name,
        problem: 'out_of_range',
        value: String(value),
        message: `${spec.name} = ${value} is outside [${spec.min ?? '-∞'}, ${spec.max ?? '∞'}]`,
      })
    }
  }
  for (const group of view.sumsToOne) {
    const parts = group.map((name) => values[name])
    if (parts.every((p) => typeof p === 'number' && Number.isFinite(p))) {
      const sum = (parts as number[]).reduce((a, b) => a + b, 0)
      if (Math.abs(sum - 1) > SUM_TOLERANCE) {
        issues.push({
          feature: group.join('+'),
          problem: 'sum_not_one',
          value: String(sum),
          message: `${group.join(' + ')} = ${sum}, not 1`,
        })
      }
    }
  }
  return issues
}

/** A zod schema for one row's values of `view` (for the API contract and for documentation). */
export function valuesSchema(view: ViewDefinition) {
  const shape: Record<string, z.ZodType> = {}
  for (const spec of view.features) {
    let field: z.ZodType
    if (spec.type === 'string') field = z.string().min(1)
    else {
      let n = spec.type === 'integer' ? z.number().int() : z.number()
      if (spec.min !== undefined) n = n.min(spec.min)
      if (spec.max !== undefined) n = n.max(spec.max)
      field = n
    }
    field = field.describe(spec.description)
    shape[spec.name] = spec.required ? field : field.optional()
  }
  return z
    .strictObject(shape)
    .superRefine((values, ctx) => {
      for (const group of view.sumsToOne) {
        const parts = group.map((name) => (values as Record<string, unknown>)[name])
        if (parts.every((p) => typeof p === 'number')) {
          const sum = (parts as number[]).reduce((a, b) => a + b, 0)
          if (Math.abs(sum - 1) > SUM_TOLERANCE)
            ctx.addIssue({ code: 'custom', message: `${group.join(' + ')} must sum to 1` })
        }
      }
    })
    .describe(view.description)
}

/** Values read back from storage (strings) converted to their declared types; unknown fields dropped. */
export function decodeValues(
  view: ViewDefinition,
  raw: Record<string, string>,
): Record<string, FeatureValue> {
  const out: Record<string, FeatureValue> = {}
  for (const spec of view.features) {
    const text = raw[spec.name]
    if (text === undefined) continue
    out[spec.name] = spec.type === 'string' ? text : Number(text)
  }
  return out
}
