import { describe, expect, it } from 'vitest'
import { openMemoryDatabase } from '../data/db/openDatabase'
import { fingerprintMatches } from './computeFeatures'
import { featureStoreMigrations } from './featureMigrations'
import { rebuildFeatureViews } from './rebuildFeatures'
import { SqliteFeatureStore } from './sqliteFeatureStore'
import { simulatedChampions } from './testing/fixtures'

// Match features expire 24 h after kickoff: the fixture must be in the future.
const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10)

describe('rebuildFeatureViews', () => {
  it('team_ratings holds the current league only: a team rated in the window but absent from the latest season is not shown (#20)', async () => {
    const store = new SqliteFeatureStore(openMemoryDatabase({ migrations: featureStoreMigrations }))
    const { matches, models } = simulatedChampions(['E0'])
    // a second season without 'E0 Team 18' (relegated): its matches stay in the model, not in the league
    const lastDate = matches.reduce((d, m) => (m.date > d ? m.date : d), '')
    const next = new Date(Date.parse(`${lastDate}T00:00:00Z`) + 90 * 86_400_000).toISOString().slice(0, 10)
    const later = [
      { league: 'E0', date: next, home: 'E0 Team 01', away: 'E0 Team 02', homeGoals: 1, awayGoals: 0 },
    ]
    await rebuildFeatureViews({
      store,
      matches: [...matches, ...later],
      models,
      modelVersion: '1',
      runId: 'run-1',
      asOf: next,
      fixtures: [],
      writtenBy: 'rebuild-test',
      views: ['team_ratings'],
    })
    const teams = (await store.getTeams('team_ratings', 'E0')).entities.map((e) => e.entity).sort()
    expect(teams).toEqual(['E0 Team 01', 'E0 Team 02'])
  })

  it('publishes every view from the champion model and switches each one', async () => {
    const store = new SqliteFeatureStore(openMemoryDatabase({ migrations: featureStoreMigrations }))
    const leagues = ['E0', 'D1']
    const { matches, models } = simulatedChampions(leagues)
    const fixtures = [{ league: 'E0', date: soon, home: 'E0 Team 01', away: 'E0 Team 02' }]
    const input = {
      store,
      matches,
      models,
      modelVersion: '4',
      runId: 'run-4',
      asOf: '2024-06-01',
      fixtures,
      writtenBy: 'rebuild-test',
    }
    const first = await rebuildFeatureViews(input)
    expect(first.map((r) => [r.view, r.version, r.previousVersion, r.rejected])).toEqual([
      ['team_ratings', 1, null, 0],
      ['team_form', 1, null, 0],
      ['match_probabilities', 1, null, 0],
    ])
    expect((await store.getTeams('team_ratings', 'D1')).entities).toHaveLength(18)
    const rated = await store.getTeam('team_ratings', 'E0', 'E0 Team 01')
    expect(rated).toMatchObject({
      status: 'hit',
      values: { matches: models.E0.teams.find((t) => t.name === 'E0 Team 01')!.matches },
    })
    expect((await store.getTeams('team_form', 'E0')).entities).toHaveLength(18)
    const fixture = await store.getMatch('match_probabilities', 'E0', soon, 'E0 Team 01', 'E0 Team 02')
    expect(fixture).toMatchObject({ status: 'hit', values: { model_version: '4' } })
    const views = await store.views()
    const ratings = views.find((v) => v.definition.name === 'team_ratings')!
    expect(ratings.versions[0].lineage).toMatchObject({
      modelVersion: '4',
      runId: 'run-4',
      dataFingerprint: fingerprintMatches(matches),
    })

    const second = await rebuildFeatureViews({ ...input, formWindow: 10, views: ['team_form'] })
    expect(second).toMatchObject([{ view: 'team_form', version: 2, previousVersion: 1 }])
    const form = (await store.views()).find((v) => v.definition.name === 'team_form')!
    expect(form.definition.params).toEqual({ n: 10 })
    expect(form.versions[0].lineage.params).toEqual({ n: 10 })
    const arsenal = await store.getTeam('team_form', 'E0', 'E0 Team 01')
    expect(arsenal).toMatchObject({ status: 'hit', values: { matches_in_window: 10 } })

    // one rebuild, one switch: a rebuild that fails on its last view switches none of its views
    const bad = { league: 'E0', date: 'next Saturday', home: 'E0 Team 01', away: 'E0 Team 02', values: {} }
    const failed = await rebuildFeatureViews({ ...input, modelVersion: '5', matchRows: [bad] }).then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    )
    expect(failed?.code).toBe('INVALID_ENTITY')
    expect(failed?.message).toContain(
      'Nothing of this rebuild was switched: active team_ratings@1, team_form@2, match_probabilities@1, as before.',
    )
    for (const view of ['team_ratings', 'team_form', 'match_probabilities']) {
      const info = (await store.views()).find((v) => v.definition.name === view)!
      expect(info.versions.find((v) => v.version === info.activeVersion)?.lineage.modelVersion, view).toBe(
        '4',
      )
    }
    await store.close()
  })
})
