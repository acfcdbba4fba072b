import { describe, expect, it } from 'vitest'
import { openMemoryDatabase } from '../data/db/openDatabase'
import { featureStoreMigrations } from './featureMigrations'
import {
  entityReadSchema,
  featureStoreStatsSchema,
  historyEntrySchema,
  leagueReadSchema,
  validationReportSchema,
  viewInfoSchema,
} from './featureSchemas'
import { SqliteFeatureStore } from './sqliteFeatureStore'
import { LEAGUE, formRow, lineage, matchRow, ratingRows } from './testing/fixtures'

describe('feature API schemas', () => {
  it('describe what the store really returns', async () => {
    const store = new SqliteFeatureStore(openMemoryDatabase({ migrations: featureStoreMigrations }))
    await store.publish('team_ratings', ratingRows(0.1), { lineage: lineage(), writtenBy: 'schema-test' })
    await store.publish('team_ratings', ratingRows(0.2), { lineage: lineage('8'), writtenBy: 'schema-test' })
    const bad = formRow('Arsenal', { points_per_game: Number.NaN })
    await store.publish('team_form', [formRow('Chelsea'), bad], { lineage: lineage() })
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
    await store.publish('match_probabilities', [matchRow(tomorrow, 'Arsenal', 'Chelsea')], {
      lineage: lineage(),
    })

    for (const v of await store.views()) viewInfoSchema.parse(v)
    entityReadSchema.parse(await store.getTeam('team_ratings', LEAGUE, 'Arsenal'))
    entityReadSchema.parse(await store.getTeam('team_ratings', LEAGUE, 'Nobody'))
    entityReadSchema.parse(
      await store.getMatch('match_probabilities', LEAGUE, tomorrow, 'Arsenal', 'Chelsea'),
    )
    leagueReadSchema.parse(await store.getTeams('team_form', LEAGUE))
    for (const h of await store.history('team_ratings', LEAGUE, 'Arsenal')) historyEntrySchema.parse(h)
    const reports = await store.validationReports()
    for (const r of reports) validationReportSchema.parse(r)
    expect(reports.some((r) => r.failures[0]?.issues[0].value === 'NaN')).toBe(true)
    featureStoreStatsSchema.parse(await store.stats())
    await store.close()
  })
})

describe('text renderings', () => {
  it('show versions, the active marker, reads and a missing entity plainly', async () => {
    const { formatEntityRead, formatFeatureStats, formatLeagueRead } = await import('./featureText')
    const store = new SqliteFeatureStore(openMemoryDatabase({ migrations: featureStoreMigrations }))
    await store.publish('team_ratings', ratingRows(0.1), { lineage: lineage('7'), writtenBy: 'cli' })
    const text = formatFeatureStats(await store.stats())
    expect(text).toMatch(/team_ratings\s+@1 \*\s+active\s+20/)
    expect(text).toMatch(/team_form\s+—\s+no versions/)
    expect(formatEntityRead(await store.getTeam('team_ratings', LEAGUE, 'Arsenal'))).toMatch(/attack\s+0\.1/)
    expect(formatEntityRead(await store.getTeam('team_ratings', LEAGUE, 'Nobody'))).toMatch(/missing/)
    expect(formatLeagueRead(await store.getTeams('team_ratings', LEAGUE))).toMatch(/20 entities/)
    expect(formatLeagueRead(await store.getTeams('team_form', LEAGUE))).toMatch(/no active version/)
    await store.close()
  })
})
