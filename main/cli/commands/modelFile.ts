/**
 * `predict --model model.json` with a pipeline version's model JSON exactly as MLflow stores it (#21): the file
 * carries the served-forecast stages (α, the calibrator, the margin method and opinion pool it was evaluated
 * with), so the fixtures are priced by the same rule as the champion (`scoreline predict --league`) and
 * the MLflow Model's pyfunc. A plain `scoreline fit --out` file has no stages: the model is served.
 */
import { z } from 'zod'
import type { FittedModel } from '../../model/dixonColes'
import { calibratorSchema, type Calibrator } from '../../model/calibration'
import type { LeagueModel } from '../../services/jackpots/leagueModel'
import { artifactPricing } from '../../services/training/artifacts'
import { UserError } from '../framework'
import { isModelArtifact, readModelJson } from './modelInput'
import { fittedLeagueModel } from './servedInput'

const stagesSchema = z.object({
  league: z.string().min(1),
  blend: z.object({ kind: z.string(), alpha: z.number().min(0).max(1).nullable() }),
  calibrator: calibratorSchema.nullable(),
  settings: z.record(z.string(), z.unknown()).optional(),
})

export interface ModelFileStages {
  league: string
  margin: ReturnType<typeof artifactPricing>['margin']
  blend: ReturnType<typeof artifactPricing>['blend']
  /** The model's blend weight; null (never fitted) serves the market, as for the champion. */
  alpha: number | null
  calibrator: Calibrator | null
}

/** The stages of a pipeline version's model.json; null for a `scoreline fit --out` file. */
export async function modelFileStages(path: string): Promise<ModelFileStages | null> {
  const json = await readModelJson(path)
  if (!isModelArtifact(json)) return null
  const parsed = stagesSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new UserError(
      `${path}: the model.json's ${issue.path.join('.') || 'root'} is not what a pipeline version writes (${issue.message})`,
      'INVALID_INPUT',
    )
  }
  const a = parsed.data
  const { margin, blend } = artifactPricing({ settings: a.settings ?? {}, blend: a.blend })
  return {
    league: a.league,
    margin,
    blend,
    alpha: a.blend.alpha,
    calibrator: a.calibrator as Calibrator | null,
  }
}

/** A model file with its stages as a league model: priced like the champion it was registered as. */
export function modelFileLeagueModel(
  model: FittedModel,
  file: string,
  stages: ModelFileStages,
  league = stages.league,
): LeagueModel {
  const base = fittedLeagueModel(
    model,
    { league, file },
    { margin: stages.margin, blend: stages.blend, alpha: stages.alpha ?? 0 },
  )
  return { ...base, alphaFitted: stages.alpha !== null, calibrator: stages.calibrator }
}
