/**
 * Rebuilds feature views from the champion model and the match data (what a promotion triggers and what
 * `npx scoreline features rebuild` runs). One rebuild, one switch: every view is written and sealed as a
 * new version first, then all of them become active in one atomic step (`activateAll`), or none does —
 * so team_ratings, team_form and match_probabilities always come from the same rebuild, and a failure
 * says what is active.
 */
import { currentLeagueTeams } from '../../model/dixonColes/currentTeams'
import type { FittedModel } from '../../model/dixonColes/types'
import type { Fixture, MatchProbabilityOptions, PlayedMatch } from './computeFeatures'
import {
  computeMatchProbabilities,
  computeTeamForm,
  computeTeamRatings,
  fingerprintMatches,
} from './computeFeatures'
import { FeatureStoreError } from './errors'
import type { FeatureRow, FeatureStore, MatchRow, WriteResult } from './featureStore'
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

/** What a rebuild that failed before its switch leaves active (it switched nothing). */
async function nothingSwitched(store: FeatureStore, views: readonly string[]): Promise<string> {
  try {
    const active = await Promise.all(
      views.map(async (v) => `${v}@${(await store.activeVersion(v)) ?? 'none'}`),
    )
    return `Nothing of this rebuild was switched: active ${active.join(', ')}, as before.`
  } catch {
    return 'Nothing of this rebuild was switched: the versions active before it stay active.'
  }
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
  const written: WriteResult[] = []
  /** Writes and seals a new version, which stays inactive until the one switch at the end. */
  const stage = async (view: string, rows: FeatureRow[], lin: ReturnType<typeof lineage>) => {
    try {
      const version = await input.store.createVersion(view, { lineage: lin, createdBy: input.writtenBy })
      written.push(await input.store.write(view, version, rows, { writtenBy: input.writtenBy }))
      await input.store.seal(view, version)
    } catch (error) {
      if (error instanceof FeatureStoreError) error.message += ` ${await nothingSwitched(input.store, views)}`
      throw error
    }
  }

  if (views.includes('team_ratings')) {
    const rows = Object.entries(input.models).flatMap(([league, model]) =>
      computeTeamRatings(
        model,
        league,
        currentLeagueTeams(
          input.matches.filter((m) => m.league === league),
          input.asOf,
        ),
      ),
    )
    await stage('team_ratings', rows, lineage())
  }
  if (views.includes('team_form')) {
    const current = (await input.store.views()).find((v) => v.definition.name === 'team_form')?.definition
    const registeredN = typeof current?.params.n === 'number' ? current.params.n : undefined
    const n = input.formWindow ?? registeredN ?? DEFAULT_FORM_WINDOW
    if (n !== registeredN) await input.store.defineView(teamFormView(n))
    const rows = computeTeamForm(input.matches, input.asOf, { n })
    await stage('team_form', rows, lineage(`as of ${input.asOf}, last ${n} matches`))
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
    await stage('match_probabilities', rows, lineage(note))
  }
  const previous = await input.store.activateAll(written.map((w) => ({ view: w.view, version: w.version })))
  return written.map((w, i) => ({
    view: w.view,
    version: w.version,
    previousVersion: previous[i],
    written: w.written,
    rejected: w.rejected,
    reportId: w.report.id,
  }))
}
