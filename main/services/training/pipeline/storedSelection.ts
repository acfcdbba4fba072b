/**
 * The `--model auto` choice kept in the tracking store (#23), so a new process (each CLI `pipeline run`, the
 * weekly trainer) or another desktop on the same MLflow reuses it instead of 22 walk-forwards per league. The
 * league's parent run carries `scoreline.selection_key` (selectionMemo.ts's fingerprint of the matches up to the
 * selection period's end, the period, the options and the candidates) and the whole VariantSelection as an
 * artifact; a later run on the same key reads it back from the newest FINISHED run of its experiment, checked
 * with zod. A corrupt or older-format artifact is passed over with a one-line note, and the choice made again.
 */
import { z } from 'zod'
import type { VariantCandidate, VariantSelection } from '../../../model/backtest'
import { availableVariants, type VariantId } from '../../../model/variants'
import type { TrackingStore } from '../../tracking/trackingStore'

export const SELECTION_TAGS = {
  key: 'scoreline.selection_key',
  /** The run whose stored choice this run reused. */
  reusedFrom: 'scoreline.selection_reused_from',
  /** "variant choice reused from run <id> (same matches, period, options)" or "variant chosen in this run". */
  note: 'scoreline.selection_note',
} as const

export const SELECTION_ARTIFACT = 'selection/variant_selection.json'
export const SELECTION_FORMAT = 'scoreline-variant-selection/1'

const variantId = z
  .string()
  .refine((id): id is VariantId => (availableVariants() as string[]).includes(id), 'unknown variant')
const params = z.record(z.string(), z.number())
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)
const storedSchema = z.object({
  format: z.literal(SELECTION_FORMAT),
  key: z.string().regex(/^[0-9a-f]{64}$/),
  selection: z.object({
    model: variantId,
    params,
    rps: z.number(),
    period: z.object({ from: date, to: date }),
    n: z.number().int().positive(),
    candidates: z
      .array(
        z.object({
          model: variantId,
          params,
          rps: z.number().nullable(),
          error: z.string().nullable(),
        }),
      )
      .min(1),
  }),
})

/** How this league's variant was chosen: its key, and the run it was reused from (null: chosen here). */
export interface VariantChoice {
  key: string
  reusedFrom: string | null
  note: string
}

export const reusedNote = (runId: string): string =>
  `variant choice reused from run ${runId} (same matches, period, options)`
export const CHOSEN_NOTE = 'variant chosen in this run'

export function storedSelectionJson(key: string, selection: VariantSelection): string {
  return JSON.stringify({ format: SELECTION_FORMAT, key, selection }, null, 2)
}

/** Tags the league's parent run and stores the selection beside it (what a later run looks for). */
export async function recordSelection(
  tracking: TrackingStore,
  runId: string,
  choice: VariantChoice,
  selection: VariantSelection,
): Promise<void> {
  await tracking.logArtifact(runId, SELECTION_ARTIFACT, storedSelectionJson(choice.key, selection))
  await tracking.log(runId, {
    tags: {
      [SELECTION_TAGS.key]: choice.key,
      [SELECTION_TAGS.note]: choice.note,
      ...(choice.reusedFrom ? { [SELECTION_TAGS.reusedFrom]: choice.reusedFrom } : {}),
    },
  })
}

const sameCandidates = (a: readonly VariantCandidate[], b: readonly VariantCandidate[]) =>
  a.length === b.length &&
  a.every((c, i) => c.model === b[i].model && JSON.stringify(c.params) === JSON.stringify(b[i].params))

export interface StoredLookup {
  found: { runId: string; selection: VariantSelection } | null
  /** One line each for a stored choice passed over (unreadable) or a store that could not be searched. */
  notes: string[]
}

/**
 * The selection stored under `key` by the newest FINISHED run of `experimentName` whose artifact reads back
 * whole (format, shape, key, period and candidates all as asked), or null with a note per run passed over.
 */
export async function findStoredSelection(
  tracking: TrackingStore,
  experimentName: string,
  key: string,
  asked: { period: { from: string; to: string }; candidates: readonly VariantCandidate[] },
): Promise<StoredLookup> {
  const notes: string[] = []
  let runs
  try {
    const experiment = await tracking.getExperimentByName(experimentName)
    if (!experiment) return { found: null, notes }
    runs = await tracking.searchRuns({
      experimentIds: [experiment.id],
      filter: `tags.\`${SELECTION_TAGS.key}\` = '${key}' and attributes.status = 'FINISHED'`,
      orderBy: ['attributes.start_time DESC'],
      maxResults: 10,
    })
  } catch (error) {
    notes.push(`no earlier variant choice looked up (${(error as Error).message})`)
    return { found: null, notes }
  }
  for (const run of runs.items) {
    const runId = run.info.runId
    if (run.info.status !== 'FINISHED' || run.tags[SELECTION_TAGS.key] !== key) continue
    try {
      const text = Buffer.from(await tracking.downloadArtifact(runId, SELECTION_ARTIFACT)).toString('utf8')
      const stored = storedSchema.parse(JSON.parse(text))
      const s = stored.selection
      if (stored.key !== key) throw new Error('its key is not the run tag’s')
      if (s.period.from !== asked.period.from || s.period.to !== asked.period.to)
        throw new Error(`its period ${s.period.from} .. ${s.period.to} is not this run's`)
      if (!sameCandidates(s.candidates, asked.candidates))
        throw new Error('its candidates are not this run’s')
      return { found: { runId, selection: s }, notes }
    } catch (error) {
      const why =
        error instanceof z.ZodError
          ? (error.issues[0] && `${error.issues[0].path.join('.') || 'root'}: ${error.issues[0].message}`) ||
            'invalid'
          : (error as Error).message
      notes.push(`stored variant choice of run ${runId} ignored (${SELECTION_ARTIFACT}: ${why})`)
    }
  }
  return { found: null, notes }
}
