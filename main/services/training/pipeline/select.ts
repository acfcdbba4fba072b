/** The first steps of a league's run: load its matches, choose the goal-model variant, choose ξ. */
import {
  DEFAULT_XI,
  selectionPeriodBefore,
  selectVariant,
  selectXi,
  variantCandidates,
  type VariantCandidate,
  type VariantSelection,
  type XiSelection,
} from '../../../model/backtest'
import { requireVariant } from '../../../model/variants'
import { TrainingError } from '../errors'
import { loadLeagueData, type LeagueData } from '../leagueData'
import { poolVariantMap, poolXiMap } from '../modelJobClient'
import { walkOptions } from './records'
import { selectionKey } from './selectionMemo'
import { CHOSEN_NOTE, findStoredSelection, reusedNote, type VariantChoice } from './storedSelection'
import { experimentNameOf } from './types'
import { PIPELINE_PROTOCOL } from './unchanged'
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
    // with the code that chose: a stored choice outlives the process, and another desktop may run other code
    const key = selectionKey(
      data.matches,
      period,
      { ...options, protocol: PIPELINE_PROTOCOL, code: deps.codeVersion ?? 'dev' },
      candidates,
    )
    const known = await recallChoice(ctx, key, { period, candidates })
    progress(
      'model',
      0.02,
      known
        ? `${league}: the model chosen on the same matches before (${known.selection.model}, ${period.from} .. ${period.to}): ${known.choice.note}`
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
    const selection = await ctx.time('model', async () => known?.selection ?? (await choose()))
    if (!known) deps.selectionMemo?.remember(key, selection)
    out.variantChoice = known?.choice ?? { key, reusedFrom: null, note: CHOSEN_NOTE }
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

/**
 * The choice made before on the same key: this process's memo first, then the tracking store (a run of the
 * pipeline's experiment that stored it), saying in a log line which run it came from and why one was passed over.
 */
async function recallChoice(
  ctx: LeagueStep,
  key: string,
  asked: { period: { from: string; to: string }; candidates: readonly VariantCandidate[] },
): Promise<{ selection: VariantSelection; choice: VariantChoice } | null> {
  const { deps, league, meta } = ctx
  const log = (message: string, level: 'info' | 'warn' = 'info') => {
    try {
      deps.onEvent?.({ type: 'log', runId: meta.id, league, level, message: `${league}: ${message}` })
    } catch {
      // a listener must not break the run
    }
  }
  const fromMemo = deps.selectionMemo?.recall(key)
  if (fromMemo) {
    const note = 'variant choice reused from this process (same matches, period, options)'
    log(note)
    return { selection: fromMemo, choice: { key, reusedFrom: null, note } }
  }
  const { found, notes } = await findStoredSelection(
    deps.tracking,
    experimentNameOf(deps.experimentPrefix),
    key,
    asked,
  )
  for (const note of notes) log(found ? note : `${note}; choosing again`, 'warn')
  if (!found) return null
  const note = reusedNote(found.runId)
  log(note)
  deps.selectionMemo?.remember(key, found.selection)
  return { selection: found.selection, choice: { key, reusedFrom: found.runId, note } }
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
