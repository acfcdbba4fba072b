/**
 * Rebuilds feature views from the champion model and the match data, and switches each view to the
 * new version (what a promotion triggers and what `npx scoreline features rebuild` runs). Each view is
 * written completely before its pointer moves, so readers see the old version or the new one, never a mix.
 */
import type { FittedModel } from '../../model/dixonColes/types'
import type { Fixture, MatchProbabilityOptions, PlayedMatch } from './computeFeatures'
import {
  computeMatchProbabilities,
  computeTeamForm,
  computeTeamRatings,
  fingerprintMatches,
} from './computeFeatures'
import type { FeatureStore, MatchRow, PublishResult } from './featureStore'
import { DEFAULT_FORM_WINDOW, teamFormView } from './views'

export interface RebuildInput {
  store: FeatureStore
  /** Played matches of every league (team_form, and the data fingerprint). */
  matches: readonly PlayedMatch[]
  /** The champion model fitted per league. */
  models: Readonly<Record<string, FittedModel>>
  /** Champion model version and run (lineage). */
  modelVersion: string
  runId: string | null
  /** `YYYY-MM-DD`: form is computed as of this date. */
  asOf: string
  /** Upcoming fixtures for match_probabilities (skipped when empty). */
  fixtures?: readonly Fixture[]
  /** match_probabilities rows priced by the caller (the served rule, `main/services/pricing`); win over `fixtures`. */
  matchRows?: readonly MatchRow[]
  blend?: MatchProbabilityOptions['blend']
  calibrate?: MatchProbabilityOptions['calibrate']
  /** Per-league blend and calibration (each champion has its own α and calibrator); wins over the above. */
  perLeague?: Readonly<
    Record<
      string,
      { blend?: MatchProbabilityOptions['blend']; calibrate?: MatchProbabilityOptions['calibrate'] }
    >
  >
  /** Margin-removal method of the market figures, recorded in the lineage note. */
  marketMethod?: string
  writtenBy: string
  /** Which views; default all three. */
  views?: readonly ('team_ratings' | 'team_form' | 'match_probabilities')[]
  /** team_form window; when it differs from the registered view's N the view is redefined. */
  formWindow?: number
}

export interface RebuildResult {
  view: string
  version: number
  previousVersion: number | null
  written: number
  rejected: number
  reportId: string
}

export async function rebuildFeatureViews(input: RebuildInput): Promise<RebuildResult[]> {
  const views = input.views ?? ['team_ratings', 'team_form', 'match_probabilities']
  const dataFingerprint = fingerprintMatches(input.matches)
  const lineage = (note?: string) => ({
    modelVersion: input.modelVersion,
    runId: input.runId,
    dataFingerprint,
    ...(note ? { note } : {}),
  })
  const results: RebuildResult[] = []
  const done = (r: PublishResult) =>
    results.push({
      view: r.view,
      version: r.version,
      previousVersion: r.previousVersion,
      written: r.written,
      rejected: r.rejected,
      reportId: r.report.id,
    })

  if (views.includes('team_ratings')) {
    const rows = Object.entries(input.models).flatMap(([league, model]) => computeTeamRatings(model, league))
    done(await input.store.publish('team_ratings', rows, { lineage: lineage(), writtenBy: input.writtenBy }))
  }
  if (views.includes('team_form')) {
    const current = (await input.store.views()).find((v) => v.definition.name === 'team_form')?.definition
    const registeredN = typeof current?.params.n === 'number' ? current.params.n : undefined
    const n = input.formWindow ?? registeredN ?? DEFAULT_FORM_WINDOW
    if (n !== registeredN) await input.store.defineView(teamFormView(n))
    const rows = computeTeamForm(input.matches, input.asOf, { n })
    done(
      await input.store.publish('team_form', rows, {
        lineage: lineage(`as of ${input.asOf}, last ${n} matches`),
        writtenBy: input.writtenBy,
      }),
    )
  }
  const priced = input.matchRows
  if (views.includes('match_probabilities') && (priced?.length || (!priced && input.fixtures?.length))) {
    const rows = priced
      ? [...priced]
      : Object.entries(input.models).flatMap(([league, model]) =>
          computeMatchProbabilities(
            model,
            input.fixtures!.filter((f) => f.league === league),
            {
              modelVersion: input.modelVersion,
              blend: input.perLeague?.[league]?.blend ?? input.blend,
              calibrate: input.perLeague?.[league]?.calibrate ?? input.calibrate,
            },
          ),
        )
    const note = input.marketMethod
      ? `market margin removed with the ${input.marketMethod} method`
      : undefined
    done(
      await input.store.publish('match_probabilities', rows, {
        lineage: lineage(note),
        writtenBy: input.writtenBy,
      }),
    )
  }
  return results
}
