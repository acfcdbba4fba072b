/**
 * One behavioural suite, run against both implementations: the local SQLite store always, the Redis
 * store when SCORELINE_TEST_REDIS_URL is set (random key prefix per run, deleted afterwards).
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { describeWithService } from '../../../test/support/services'
import { isFeatureStoreError } from './errors'
import type { EntityHit, FeatureStore, LeagueRead } from './featureStore'
import { RedisFeatureStore } from './redisFeatureStore'
import { SqliteFeatureStore } from './sqliteFeatureStore'
import { LEAGUE, TEAMS, formRow, lineage, matchRow, ratingRows, sleep } from './testing/fixtures'
import type { ViewDefinition } from './views'
import { teamFormView, teamRatingsView } from './views'

interface StoreOptions {
  clock?: () => number
  retiredGraceMs?: number
  abandonedWriteMs?: number
  chunkSize?: number
}
interface Harness {
  /** Opens another store on the same backend (another process would see the same). */
  open(options?: StoreOptions): Promise<FeatureStore>
  cleanup(): Promise<void>
}

const shortLivedView: ViewDefinition = {
  ...teamFormView(6),
  name: 'short_lived_form',
  description: 'team_form with a 1 s TTL, for the expiry test',
  ttl: { kind: 'fixed', ms: 1000 },
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  try {
    await promise
  } catch (error) {
    expect(isFeatureStoreError(error) ? error.code : error).toBe(code)
    return
  }
  throw new Error(`expected ${code}, but the call succeeded`)
}

function behaviourSuite(makeHarness: () => Promise<Harness>): void {
  let harness: Harness
  let store: FeatureStore
  const opened: FeatureStore[] = []
  const open = async (options?: StoreOptions) => {
    const s = await harness.open(options)
    opened.push(s)
    return s
  }

  beforeEach(async () => {
    harness = await makeHarness()
    store = await open()
  })
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close()
    await harness.cleanup()
  })

  it('registers the built-in views with their schemas, and nothing is active yet', async () => {
    const views = await store.views()
    expect(views.map((v) => v.definition.name).sort()).toEqual([
      'match_probabilities',
      'team_form',
      'team_ratings',
    ])
    const form = views.find((v) => v.definition.name === 'team_form')!
    expect(form.definition.params).toEqual({ n: 6 })
    expect(form.definition.features.map((f) => f.name)).toContain('points_per_game')
    expect(form.activeVersion).toBeNull()
    const read = await store.getTeam('team_ratings', LEAGUE, 'Arsenal')
    expect(read.status).toBe('no_active_version')
    expect((await store.getTeams('team_ratings', LEAGUE)).version).toBeNull()
  })

  it('publishes a version and reads one team, a whole league and the lineage back', async () => {
    const result = await store.publish('team_ratings', ratingRows(0.3), {
      lineage: lineage('7'),
      writtenBy: 'test',
    })
    expect(result).toMatchObject({ version: 1, written: TEAMS.length, rejected: 0, previousVersion: null })
    const read = await store.getTeam('team_ratings', LEAGUE, 'Arsenal')
    expect(read).toMatchObject({ status: 'hit', version: 1, values: { attack: 0.3, home_advantage: 0.25 } })
    const league = await store.getTeams('team_ratings', LEAGUE)
    expect(league.version).toBe(1)
    expect(league.entities.map((e) => e.entity).sort()).toEqual([...TEAMS].sort())
    expect(league.entities.find((e) => e.entity === "Nott'm Forest")?.values.defence).toBeCloseTo(-0.14, 12)
    const missing = await store.getTeam('team_ratings', LEAGUE, 'Barcelona')
    expect(missing).toMatchObject({ status: 'missing', version: 1 })
    const [view] = (await store.views()).filter((v) => v.definition.name === 'team_ratings')
    expect(view.activeVersion).toBe(1)
    expect(view.versions[0]).toMatchObject({
      version: 1,
      state: 'active',
      entityCount: TEAMS.length,
      createdBy: 'test',
      lineage: { modelVersion: '7', runId: 'run-7', dataFingerprint: 'sha256:abc', params: {} },
    })
  })

  it('what one process writes, another one reads (the CLI publishes, the app reads)', async () => {
    await store.publish('team_form', [formRow('Arsenal')], { lineage: lineage(), writtenBy: 'cli' })
    const other = await open()
    expect(await other.getTeam('team_form', LEAGUE, 'Arsenal')).toMatchObject({ status: 'hit', version: 1 })
  })

  it('validates writes against a view redefined by another process', async () => {
    const other = await open()
    await other.getTeam('team_form', LEAGUE, 'Arsenal') // caches the N = 6 definition
    await store.defineView(teamFormView(10))
    const result = await other.publish('team_form', [formRow('Arsenal', { matches_in_window: 9 })], {
      lineage: lineage(),
    })
    expect(result).toMatchObject({ written: 1, rejected: 0 })
    const views = await other.views()
    expect(views.find((v) => v.definition.name === 'team_form')?.versions[0].lineage.params).toEqual({
      n: 10,
    })
  })

  it('does not activate a version that is still being written; the pointer stays where it was', async () => {
    await store.publish('team_ratings', ratingRows(1), { lineage: lineage('1'), writtenBy: 'test' })
    const v2 = await store.createVersion('team_ratings', { lineage: lineage('2'), createdBy: 'test' })
    await store.write('team_ratings', v2, ratingRows(2))
    await expectCode(store.activate('team_ratings', v2), 'VERSION_NOT_READY')
    expect(await store.activeVersion('team_ratings')).toBe(1)
    await store.seal('team_ratings', v2)
    expect(await store.activate('team_ratings', v2)).toBe(1)
    expect(await store.getTeam('team_ratings', LEAGUE, 'Chelsea')).toMatchObject({
      version: 2,
      values: { attack: 2 },
    })
  })

  it('retires the previous version, keeps it readable in history, and can roll back within the grace period', async () => {
    await store.publish('team_ratings', ratingRows(1), { lineage: lineage('1'), writtenBy: 'a' })
    const second = await store.publish('team_ratings', ratingRows(2), {
      lineage: lineage('2'),
      writtenBy: 'b',
    })
    expect(second.previousVersion).toBe(1)
    const history = await store.history('team_ratings', LEAGUE, 'Arsenal')
    expect(history.map((h) => [h.version, h.state, (h.read as EntityHit).values?.attack])).toEqual([
      [2, 'active', 2],
      [1, 'retired', 1],
    ])
    expect(history[1].lineage.modelVersion).toBe('1')
    expect(await store.activate('team_ratings', 1)).toBe(2)
    expect(await store.getTeam('team_ratings', LEAGUE, 'Arsenal')).toMatchObject({
      version: 1,
      values: { attack: 1 },
    })
  })

  it('expires retired versions after the grace period', async () => {
    const s = await open({ retiredGraceMs: 250 })
    await s.publish('team_ratings', ratingRows(1), { lineage: lineage('1') })
    await s.publish('team_ratings', ratingRows(2), { lineage: lineage('2') })
    await sleep(400)
    const history = await s.history('team_ratings', LEAGUE, 'Arsenal')
    expect(history.map((h) => h.version)).toEqual([2])
    const versions = (await s.views()).find((v) => v.definition.name === 'team_ratings')!.versions
    expect(versions.find((v) => v.version === 1)?.state).toBe('expired')
    await expectCode(s.activate('team_ratings', 1), 'VERSION_EXPIRED')
    expect(
      (await s.stats()).views.find((v) => v.view === 'team_ratings')!.versions.find((v) => v.version === 1)
        ?.keys,
    ).toBe(0)
  })

  it('writes rows of several leagues interleaved in one batch, each league complete and indexed', async () => {
    const leagues = ['E0', 'SP1', 'D1']
    const rows = TEAMS.slice(0, 12).map((team, i) => ({
      ...formRow(team, { points_per_game: i / 10 }),
      league: leagues[i % 3], // E0, SP1, D1, E0, ...: the league changes on every row
    }))
    await store.publish('team_form', rows, { lineage: lineage() })
    for (const [k, league] of leagues.entries()) {
      const read = await store.getTeams('team_form', league)
      const expected = rows.filter((_, i) => i % 3 === k)
      expect(read.entities.map((e) => e.entity).sort()).toEqual(expected.map((r) => r.team).sort())
      for (const r of expected) {
        expect(read.entities.find((e) => e.entity === r.team)?.values.points_per_game).toBe(
          r.values.points_per_game,
        )
      }
    }
  })

  it('retires a version its writer abandoned mid-write when the next version is created', async () => {
    const s = await open({ abandonedWriteMs: 200 })
    const crashed = await s.createVersion('team_ratings', { lineage: lineage('crashed'), createdBy: 'test' })
    await s.write('team_ratings', crashed, ratingRows(1)) // never sealed: the writer died here
    const busy = await s.createVersion('team_ratings', { lineage: lineage('busy'), createdBy: 'test' })
    const versions = async () => (await s.views()).find((v) => v.definition.name === 'team_ratings')!.versions
    // a version written within the window is left alone
    expect((await versions()).find((v) => v.version === crashed)?.state).toBe('writing')
    await sleep(300)
    await s.write('team_ratings', busy, ratingRows(2)) // busy is active again
    const next = await s.createVersion('team_ratings', { lineage: lineage('next'), createdBy: 'test' })
    const after = await versions()
    expect(after.find((v) => v.version === crashed)?.state).toBe('expired')
    expect(after.find((v) => v.version === busy)?.state).toBe('writing')
    expect(after.find((v) => v.version === next)?.state).toBe('writing')
    const keys = (await s.stats()).views
      .find((v) => v.view === 'team_ratings')!
      .versions.find((v) => v.version === crashed)?.keys
    expect(keys ?? 0).toBe(0)
    await expectCode(s.activate('team_ratings', crashed), 'VERSION_EXPIRED')
  })

  it('ignores a write whose event time is older than the stored one', async () => {
    const v = await store.createVersion('team_form', { lineage: lineage(), createdBy: 'test' })
    const at = (eventTime: number, ppg: number) => ({
      ...formRow('Everton', { points_per_game: ppg }),
      eventTime,
    })
    expect((await store.write('team_form', v, [at(2_000, 2)])).written).toBe(1)
    const older = await store.write('team_form', v, [at(1_000, 1)])
    expect(older).toMatchObject({ written: 0, ignoredOlder: 1 })
    await store.seal('team_form', v)
    await store.activate('team_form', v)
    expect(await store.getTeam('team_form', LEAGUE, 'Everton')).toMatchObject({
      eventTime: 2_000,
      values: { points_per_game: 2 },
    })
    expect((await store.write('team_form', v, [at(2_000, 2.5)])).written).toBe(1) // same time: a retry wins
    expect((await store.write('team_form', v, [at(3_000, 3)])).written).toBe(1)
    expect(await store.getTeam('team_form', LEAGUE, 'Everton')).toMatchObject({
      eventTime: 3_000,
      values: { points_per_game: 3 },
    })
    const stats = await store.stats()
    expect(stats.writes.ignoredOlder).toBe(1)
  })

  it('a newer write replaces the whole entity: a feature it leaves out does not linger', async () => {
    const kickoff = Date.now() + 3_600_000
    const withOdds = matchRow('2099-05-19', 'Arsenal', 'Everton', kickoff)
    Object.assign(withOdds.values, { p_home_market: 0.5, p_draw_market: 0.25, p_away_market: 0.25 })
    const v = await store.createVersion('match_probabilities', { lineage: lineage(), createdBy: 't' })
    await store.write('match_probabilities', v, [{ ...withOdds, eventTime: 1_000 }])
    await store.write('match_probabilities', v, [
      { ...matchRow('2099-05-19', 'Arsenal', 'Everton', kickoff), eventTime: 2_000 },
    ])
    await store.seal('match_probabilities', v)
    await store.activate('match_probabilities', v)
    const read = await store.getMatch('match_probabilities', LEAGUE, '2099-05-19', 'Arsenal', 'Everton')
    expect(read.status === 'hit' && read.values.p_home_market).toBe(undefined)
    expect(read.status === 'hit' && read.values.p_home_model).toBe(0.45)
  })

  it('says "expired" for an entity past its TTL instead of returning stale numbers', async () => {
    await store.defineView(shortLivedView)
    await store.publish('short_lived_form', [formRow('Arsenal'), formRow('Chelsea')], { lineage: lineage() })
    expect((await store.getTeam('short_lived_form', LEAGUE, 'Arsenal')).status).toBe('hit')
    await sleep(1200)
    const read = await store.getTeam('short_lived_form', LEAGUE, 'Arsenal')
    expect(read.status).toBe('expired')
    expect(read.status === 'expired' && read.message).toMatch(/expired/)
    const league = await store.getTeams('short_lived_form', LEAGUE)
    expect(league.entities).toEqual([])
    expect(league.expired.map((e) => e.entity).sort()).toEqual(['Arsenal', 'Chelsea'])
    expect((await store.getTeam('short_lived_form', LEAGUE, 'Fulham')).status).toBe('missing')
  })

  it('keeps match features until 24 hours after kickoff', async () => {
    const now = Date.now()
    const rows = [
      matchRow('2099-05-19', 'Arsenal', 'Everton', now + 3_600_000),
      matchRow('2020-05-19', 'Chelsea', 'Fulham', now - 25 * 3_600_000),
    ]
    await store.publish('match_probabilities', rows, { lineage: lineage() })
    const upcoming = await store.getMatch('match_probabilities', LEAGUE, '2099-05-19', 'Arsenal', 'Everton')
    expect(upcoming).toMatchObject({ status: 'hit', values: { model_version: '7', p_home_model: 0.45 } })
    expect((upcoming as EntityHit).expiresAt).toBe(now + 3_600_000 + 86_400_000)
    const past = await store.getMatch('match_probabilities', LEAGUE, '2020-05-19', 'Chelsea', 'Fulham')
    expect(past.status).toBe('expired')
  })

  it('strict validation rejects the whole batch and keeps the report', async () => {
    const rows = ratingRows(0.2)
    rows[3].values.attack = Number.NaN
    rows[5].values.attack_se = -1
    await expectCode(
      store.publish('team_ratings', rows, { lineage: lineage(), writtenBy: 'strict-test' }),
      'FEATURE_VALIDATION',
    )
    expect(await store.activeVersion('team_ratings')).toBeNull()
    const [report] = await store.validationReports({ view: 'team_ratings' })
    expect(report).toMatchObject({
      policy: 'strict',
      total: TEAMS.length,
      rejected: 2,
      accepted: 0,
      written: false,
      writtenBy: 'strict-test',
    })
    expect(report.failures.map((f) => [f.entity, f.issues[0].problem])).toEqual([
      [TEAMS[3], 'not_finite'],
      [TEAMS[5], 'out_of_range'],
    ])
    const versions = (await store.views()).find((v) => v.definition.name === 'team_ratings')!.versions
    expect(versions[0]).toMatchObject({ state: 'writing', entityCount: 0 })
  })

  it('lenient validation writes the valid rows and records the failures', async () => {
    const rows = TEAMS.slice(0, 6).map((t) => formRow(t))
    rows[1].values.points_per_game = Number.POSITIVE_INFINITY
    rows[2].values.goals_for_per_game = 42
    delete rows[3].values.days_since_last_match
    rows[4].values.matches_in_window = 2.5
    const result = await store.publish('team_form', rows, { lineage: lineage(), writtenBy: 'lenient-test' })
    expect(result).toMatchObject({ written: 2, rejected: 4 })
    expect(result.report).toMatchObject({ policy: 'lenient', accepted: 2, rejected: 4, written: true })
    expect(result.report.failures.map((f) => f.issues[0].problem)).toEqual([
      'not_finite',
      'out_of_range',
      'missing',
      'not_integer',
    ])
    const league = await store.getTeams('team_form', LEAGUE)
    expect(league.entities.map((e) => e.entity).sort()).toEqual([TEAMS[0], TEAMS[5]].sort())
    const reports = await store.validationReports()
    expect(reports[0].id).toBe(result.report.id)
    // the per-write override
    await expectCode(
      store.publish('team_form', rows, { lineage: lineage(), policy: 'strict' }),
      'FEATURE_VALIDATION',
    )
  })

  it('refuses rows that do not fit the view and views that do not exist', async () => {
    await expectCode(store.getTeam('no_such_view', LEAGUE, 'Arsenal'), 'UNKNOWN_VIEW')
    const v = await store.createVersion('match_probabilities', { lineage: lineage(), createdBy: 't' })
    await expectCode(store.write('match_probabilities', v, [formRow('Arsenal')]), 'INVALID_ENTITY')
    await expectCode(
      store.createVersion('match_probabilities', { lineage: lineage(), createdBy: 't', version: v }),
      'VERSION_EXISTS',
    )
    await expectCode(store.write('team_form', 99, [formRow('Arsenal')]), 'UNKNOWN_VERSION')
  })

  it('counts hits, misses and expiries and reports latency percentiles, keys and the last writer', async () => {
    await store.publish('team_ratings', ratingRows(1), { lineage: lineage(), writtenBy: 'stats-test' })
    for (let i = 0; i < 30; i++) await store.getTeam('team_ratings', LEAGUE, TEAMS[i % TEAMS.length])
    await store.getTeam('team_ratings', LEAGUE, 'Nobody FC')
    const stats = await store.stats()
    expect(stats.reads).toMatchObject({ hits: 30, misses: 1 })
    expect(stats.reads.latency.samples).toBe(31)
    expect(stats.reads.latency.p50Ms).toBeGreaterThan(0)
    expect(stats.reads.latency.p99Ms!).toBeGreaterThanOrEqual(stats.reads.latency.p50Ms!)
    const ratings = stats.views.find((v) => v.view === 'team_ratings')!
    expect(ratings.activeVersion).toBe(1)
    expect(ratings.versions[0]).toMatchObject({ version: 1, keys: TEAMS.length, lastWriteBy: 'stats-test' })
    expect(ratings.versions[0].approxBytes).toBeGreaterThan(0)
    expect(stats.writes).toMatchObject({ entities: TEAMS.length, lastWriteBy: 'stats-test' })
    expect(stats.location).not.toMatch(/@/)
  })

  it('a champion kept for 5 weekly runs: its team features never expire; superseded, they last the grace', async () => {
    const WEEK = 7 * 86_400_000
    let now = Date.now()
    const s = await open({ clock: () => now, retiredGraceMs: 3_600_000, abandonedWriteMs: 6 * 3_600_000 })
    const promoted = await s.createVersion('team_ratings', { lineage: lineage('1'), createdBy: 'pipeline' })
    await s.write('team_ratings', promoted, ratingRows(1))
    await s.seal('team_ratings', promoted)
    const form = await s.createVersion('team_form', { lineage: lineage('1'), createdBy: 'pipeline' })
    await s.write(
      'team_form',
      form,
      TEAMS.map((t) => formRow(t)),
    )
    await s.seal('team_form', form)
    await s.activateAll([
      { view: 'team_ratings', version: promoted },
      { view: 'team_form', version: form },
    ])
    for (let week = 1; week <= 5; week++) {
      now += WEEK // a weekly pipeline run keeps the champion: it writes no features
      // (another view's version created meanwhile sweeps abandoned writes: the active one is untouched)
      await s.createVersion('team_ratings', { lineage: lineage(`challenger-${week}`), createdBy: 'pipeline' })
      for (const view of ['team_ratings', 'team_form']) {
        for (const team of TEAMS) {
          const read = await s.getTeam(view, LEAGUE, team)
          expect(read, `${view} ${team} in week ${week}`).toMatchObject({ status: 'hit', expiresAt: null })
        }
        const league = await s.getTeams(view, LEAGUE)
        expect(league.expired).toEqual([])
        expect(league.entities).toHaveLength(TEAMS.length)
      }
    }
    expect((await s.stats()).reads).toMatchObject({ misses: 0, expired: 0 })
    // A new champion: the old version is superseded, readable in history for the grace period, then gone.
    const next = await s.publish('team_ratings', ratingRows(2), { lineage: lineage('2') })
    expect(next.previousVersion).toBe(promoted)
    expect((await s.history('team_ratings', LEAGUE, 'Arsenal')).map((h) => h.version)).toContain(promoted)
    now += 3_600_001
    const after = await s.history('team_ratings', LEAGUE, 'Arsenal')
    expect(after.map((h) => h.version)).not.toContain(promoted)
    expect(after[0]).toMatchObject({ version: next.version, state: 'active' })
    expect(await s.getTeam('team_ratings', LEAGUE, 'Arsenal')).toMatchObject({
      status: 'hit',
      version: next.version,
    })
  })

  it('a store written by an older release (team views with a 7-day TTL) stops expiring the standing champion', async () => {
    await store.defineView({ ...teamRatingsView, ttl: { kind: 'fixed', ms: 7 * 86_400_000 } })
    await store.publish('team_ratings', ratingRows(1), { lineage: lineage('1') })
    expect(await store.getTeam('team_ratings', LEAGUE, 'Arsenal')).toMatchObject({ status: 'hit' })
    expect((await store.getTeam('team_ratings', LEAGUE, 'Arsenal')) as EntityHit).not.toMatchObject({
      expiresAt: null,
    })
    // the new release opens the store: the built-in definition (whileActive) replaces the stored one
    let now = Date.now()
    const upgraded = await open({ clock: () => now })
    expect(
      (await upgraded.views()).find((v) => v.definition.name === 'team_ratings')?.definition.ttl,
    ).toEqual({
      kind: 'whileActive',
    })
    now += 5 * 7 * 86_400_000
    for (const team of TEAMS)
      expect(await upgraded.getTeam('team_ratings', LEAGUE, team)).toMatchObject({
        status: 'hit',
        expiresAt: null,
      })
  })

  it('one rebuild, one switch: several views become active together, or none does and the error says what is', async () => {
    await store.publish('team_ratings', ratingRows(1), { lineage: lineage('1') })
    await store.publish('team_form', [formRow('Arsenal')], { lineage: lineage('1') })
    const ratings = await store.createVersion('team_ratings', { lineage: lineage('2'), createdBy: 'rebuild' })
    await store.write('team_ratings', ratings, ratingRows(2))
    await store.seal('team_ratings', ratings)
    const form = await store.createVersion('team_form', { lineage: lineage('2'), createdBy: 'rebuild' })
    await store.write('team_form', form, [formRow('Arsenal', { points_per_game: 2 })])
    // team_form@2 is not sealed: nothing switches, and the error names what stays active
    const refused = await store
      .activateAll([
        { view: 'team_ratings', version: ratings },
        { view: 'team_form', version: form },
      ])
      .then(
        () => null,
        (e: unknown) => e as Error & { code?: string },
      )
    expect(refused?.code).toBe('VERSION_NOT_READY')
    expect(refused?.message).toContain('team_form@2 is still being written')
    expect(refused?.message).toContain('Nothing switched: active now team_ratings@1, team_form@1')
    expect(await store.activeVersion('team_ratings')).toBe(1)
    await store.seal('team_form', form)
    expect(
      await store.activateAll([
        { view: 'team_ratings', version: ratings },
        { view: 'team_form', version: form },
      ]),
    ).toEqual([1, 1])
    expect(await store.activeVersion('team_ratings')).toBe(2)
    expect(await store.getTeam('team_form', LEAGUE, 'Arsenal')).toMatchObject({
      version: 2,
      values: { points_per_game: 2 },
    })
  })

  it('a reader loop running during a version switch never sees a mixed or partial version', async () => {
    const teams = Array.from({ length: 400 }, (_, i) => `Team ${String(i).padStart(3, '0')}`)
    const writer = await open({ chunkSize: 25 })
    const reader = await open()
    await writer.publish('team_ratings', ratingRows(1, teams), { lineage: lineage('1') })

    const seen = new Set<number>()
    const problems: string[] = []
    let reads = 0
    let stop = false
    const check = (read: LeagueRead) => {
      reads++
      if (read.version === null) return problems.push('no version')
      seen.add(read.version)
      if (read.entities.length !== teams.length)
        problems.push(`v${read.version}: ${read.entities.length} teams`)
      for (const e of read.entities) {
        if (e.version !== read.version || e.values.attack !== read.version) {
          problems.push(`v${read.version} holds ${e.entity} with attack ${e.values.attack}`)
          break
        }
      }
    }
    const loop = (async () => {
      while (!stop) {
        check(await reader.getTeams('team_ratings', LEAGUE))
        const one = await reader.getTeam('team_ratings', LEAGUE, teams[reads % teams.length])
        if (one.status !== 'hit' || one.values.attack !== one.version)
          problems.push(`single read ${JSON.stringify(one)}`)
        // the SQLite store answers synchronously: give the writer's macrotasks a turn, as IPC would
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    await sleep(5)
    for (let v = 2; v <= 4; v++) {
      await writer.publish('team_ratings', ratingRows(v, teams), { lineage: lineage(String(v)) })
      await sleep(5)
    }
    stop = true
    await loop
    expect(problems.slice(0, 5)).toEqual([])
    expect(reads).toBeGreaterThan(10)
    expect(seen.has(1) && seen.has(4)).toBe(true)
  })
}

describe('SqliteFeatureStore behaviour', () => {
  behaviourSuite(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-fs-'))
    const file = path.join(dir, 'features.sqlite')
    return {
      open: async (options) => SqliteFeatureStore.open(file, options),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    }
  })
})

describeWithService('redis', 'RedisFeatureStore behaviour', (url) => {
  const prefixes: string[] = []
  behaviourSuite(async () => {
    const keyPrefix = `scoreline:test:fs:${randomUUID().slice(0, 8)}:`
    prefixes.push(keyPrefix)
    return {
      open: async (options) => RedisFeatureStore.connect({ url, keyPrefix, ...options }),
      cleanup: async () => {
        const s = await RedisFeatureStore.connect({ url, keyPrefix })
        await s.deleteAll()
        await s.close()
      },
    }
  })
  afterAll(async () => {
    // Nothing under this run's prefixes may survive the suite.
    const raw = new Redis(url)
    for (const p of prefixes) expect(await raw.keys(`${p}*`)).toEqual([])
    await raw.quit()
  })
})
