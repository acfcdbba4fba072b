import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fitDixonColes, toMatchArrays } from '../../model/dixonColes'
import { applyBlend } from '../../model/blend'
import { removeMargin } from '../../model/market'
import { listMatches } from '../data/queries'
import { importFileContents } from '../data/import'
import { SqliteFeatureStore } from '../features/sqliteFeatureStore'
import { featureStoreRebuilder, pricedUpcomingFixtures } from './featureRebuild'
import type { ChampionModel } from './pipeline'
import { simulatedAppDatabase } from './testing/simulatedStore'

const db = simulatedAppDatabase([{ code: 'E0', seed: 11 }])
const played = listMatches(db, { league: 'E0', status: 'played', withOdds: false })
const last = played.at(-1)!.date
const teams = [...new Set(played.map((m) => m.homeTeam))].sort()
// Three upcoming fixtures after the last result: two between rated teams (one with odds), one with a
// newcomer the champion cannot rate.
importFileContents(
  db,
  [
    'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,PSH,PSD,PSA',
    `E0,01/08/2030,15:00,${teams[0]},${teams[1]},,,,2.10,3.40,3.60`,
    `E0,01/08/2030,17:30,${teams[2]},${teams[3]},,,,,,`,
    `E0,02/08/2030,15:00,${teams[4]},Newcomers FC,,,,1.90,3.50,4.20`,
  ].join('\n') + '\n',
  'E0_2030-31.csv',
  { league: 'E0', season: '2030-31', createTeams: true },
)

const model = fitDixonColes(
  toMatchArrays(
    played.map((m) => ({
      date: m.date,
      home: m.homeTeam,
      away: m.awayTeam,
      homeGoals: m.homeGoals!,
      awayGoals: m.awayGoals!,
    })),
  ),
  { xi: 0.0019 },
)
const champion: ChampionModel = { model, version: '3', runId: 'run-3', alpha: 0.4, calibrator: null }
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoreline-rebuild-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('feature rebuild on promotion', () => {
  it('prices every fixture to come through the served rule, a newcomer from the promoted-team prior', () => {
    const now = new Date(`${last}T12:00:00Z`)
    const priced = pricedUpcomingFixtures(db, 'E0', champion, { margin: 'multiplicative', blend: 'log', now })
    expect(priced.map((f) => `${f.home} v ${f.away}`)).toEqual([
      `${teams[0]} v ${teams[1]}`,
      `${teams[2]} v ${teams[3]}`,
      `${teams[4]} v Newcomers FC`,
    ])
    expect(priced[0].market!.probabilities).toEqual(
      removeMargin([2.1, 3.4, 3.6], 'multiplicative').probabilities,
    )
    expect(priced[0].served!.stage).toBe('blend')
    expect(priced[1].market).toBeNull()
    expect(priced[1].served!.stage).toBe('model')
    expect(priced[2].warnings.map((w) => w.code)).toContain('promoted-prior')
  })

  it('writes match_probabilities priced by the champion with its own α, next to the team views', async () => {
    const store = SqliteFeatureStore.open(path.join(dir, 'features.sqlite'))
    try {
      const rebuild = featureStoreRebuilder(store, db, {
        margin: 'multiplicative',
        blend: 'log',
        now: () => new Date(`${last}T12:00:00Z`),
      })
      const out = await rebuild({ promoted: ['E0'], champions: { E0: champion } })
      expect(out.views).toEqual([
        expect.stringMatching(/^team_ratings@\d+$/),
        expect.stringMatching(/^team_form@\d+$/),
        expect.stringMatching(/^match_probabilities@\d+$/),
      ])
      expect(out.note).toMatch(/match_probabilities: 3 written, 0 rejected/)
      expect(out.note).toMatch(/priced from the promoted-team prior: E0 Newcomers FC/)
      const row = await store.getMatch('match_probabilities', 'E0', '2030-08-01', teams[0], teams[1])
      if (row.status !== 'hit') throw new Error(`expected a hit, got ${row.status}: ${row.message}`)
      const v = row.values as Record<string, number | string>
      const modelP = [v.p_home_model, v.p_draw_model, v.p_away_model] as [number, number, number]
      const market = removeMargin([2.1, 3.4, 3.6], 'multiplicative').probabilities
      const blend = applyBlend({ kind: 'log', alpha: 0.4 }, modelP, market)
      expect(v.p_home_blend).toBeCloseTo(blend[0], 12)
      expect(v.p_home_calibrated).toBeCloseTo(blend[0], 12) // no calibrator: calibrated = blend
      expect(v.model_version).toBe('E0@3')
      // without odds the blend is the model
      const noOdds = await store.getMatch('match_probabilities', 'E0', '2030-08-01', teams[2], teams[3])
      if (noOdds.status !== 'hit') throw new Error(`expected a hit, got ${noOdds.status}`)
      const w = noOdds.values as Record<string, number>
      expect(w.p_home_blend).toBe(w.p_home_model)
    } finally {
      await store.close()
    }
  })
})
