/** The first steps of a league's run: load its matches, choose the goal-model variant, choose ξ. */
import {
  DEFAULT_XI,
  selectionPeriodBefore,
  selectVariant,
  selectXi,
  variantCandidates,
  type XiSelection,
} from '../../../model/backtest'
import { requireVariant } from '../../../model/variants'
import { TrainingError } from '../errors'
import { loadLeagueData, type LeagueData } from '../leagueData'
import { poolVariantMap, poolXiMap } from '../modelJobClient'
import { walkOptions } from './records'
import { recallSelection, rememberSelection, selectionKey } from './selectionMemo'
import type { ChosenVariant, LeagueStep } from './step'

export async function loadStep(ctx: LeagueStep): Promise<LeagueData> {
  const { league, s, deps, out } = ctx
  ctx.progress('load', 0, `${league}: loading matches`)
  const data = await ctx.time('load', () =>
    loadLeagueData(deps.db, league, {
      windowYears: s.windowYears,
      marketPreference: s.marketPreference,
      margin: s.margin,
      extraYears: s.model === 'auto' ? 1 : 0,
    }),
  )
  out.evaluation = data.evaluation
  return data
}

/** The variant: named, or chosen on the year before the evaluation window (never on the window itself). */
export async function chooseVariant(ctx: LeagueStep, data: LeagueData): Promise<ChosenVariant> {
  const { league, s, deps, out, jobOptions, progress } = ctx
  let variant: ChosenVariant
  if (s.model === 'auto') {
    const period = selectionPeriodBefore(data.evaluation.from)
    const candidates = variantCandidates()
    const options = { windowYears: s.windowYears, xi: DEFAULT_XI }
    const key = selectionKey(data.matches, period, options, candidates)
    const known = recallSelection(key)
    progress(
      'model',
      0.02,
      known
        ? `${league}: the model chosen on the same matches before (${known.model}, ${period.from} .. ${period.to})`
        : `${league}: choosing the model among ${candidates.length} candidates`,
    )
    const choose = () =>
      selectVariant(
        data.matches,
        options,
        period,
        candidates,
        poolVariantMap(deps.pool, {
          ...jobOptions,
          label: league,
          onProgress: (done, total, last) =>
            progress(
              'model',
              0.02 + 0.08 * (done / total),
              `${league}: ${last.model} done (${done}/${total})`,
            ),
        }),
        data.evaluation.from,
      ).catch((error: unknown) => {
        if ((error as { code?: unknown }).code !== 'MODEL_NO_DATA') throw error
        throw new TrainingError(
          'PIPELINE_NO_DATA',
          `${league}: model auto chooses on ${period.from} .. ${period.to}, but no variant could forecast a match there: import the earlier seasons, or name a model.`,
        )
      })
    const selection = await ctx.time('model', async () => known ?? (await choose()))
    if (!known) rememberSelection(key, selection)
    out.variantSelection = selection
    variant = { model: selection.model, params: selection.params }
  } else {
    requireVariant(s.model)
    variant = { model: s.model, params: {} }
  }
  out.modelVariant = variant.model
  out.modelParams = variant.params
  return variant
}

export async function chooseXi(
  ctx: LeagueStep,
  data: LeagueData,
  variant: ChosenVariant,
): Promise<XiSelection> {
  const { league, s, deps, out, jobOptions, progress } = ctx
  // after the model choice (0.02–0.10) when there was one, so the fraction never goes back
  const start = s.model === 'auto' ? 0.1 : 0.05
  progress('xi', start, `${league}: ξ search over ${s.xiGrid.length} values`)
  const xiChoice = await ctx.time('xi', () =>
    selectXi(
      data.matches,
      walkOptions(s, data, undefined, variant),
      s.xiGrid,
      poolXiMap(deps.pool, {
        ...jobOptions,
        label: league,
        onProgress: (done, total, last) =>
          progress(
            'xi',
            start + (0.6 - start) * (done / total),
            `${league}: ξ = ${last.xi} RPS ${last.rps?.toFixed(5) ?? '—'} (${done}/${total})`,
          ),
      }),
    ),
  )
  out.xi = xiChoice.xi
  out.xiGrid = xiChoice.grid.map((g) => ({ xi: g.xi, rps: g.rps }))
  return xiChoice
}
