import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScoreline, type Scoreline } from '../core/scoreline'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../test/support/sharedData'
import type { JackpotAnalysisDto, JackpotDto } from '../../shared/api/domains/jackpots'

const dataDir = footballDataDir()

describe.skipIf(!dataDir)(
  `jackpots on real Premier League data${dataDir ? '' : ` — skipped: ${SHARED_DATA_SKIP_REASON}`}`,
  () => {
    let home: string
    let scoreline: Scoreline
    const call = async <T>(name: string, input: unknown): Promise<T> => {
      const result = await scoreline.dispatch(name, input, { transport: 'test' })
      if (!result.ok) throw Object.assign(new Error(result.error.message), result.error)
      return result.value as T
    }

    beforeAll(async () => {
      home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-jackpot-'))
      scoreline = createScoreline({ shell: 'cli', env: { SCORELINE_HOME: home } })
      await call('data.importCsv', {
        files: ['2020-21', '2021-22', '2022-23', '2023-24'].map((s) => ({
          path: path.join(dataDir!, 'E0', `E0_${s}.csv`),
        })),
      })
    }, 60_000)
    afterAll(async () => {
      await scoreline?.close()
      rmSync(home, { recursive: true, force: true })
    })

    it('parses pasted fixtures and resolves alias spellings, suggesting for unknown names', async () => {
      const parsed = await call<{
        fixtures: { homeTeam: string | null; awayTeam: string | null; awaySuggestions: string[] }[]
        problems: unknown[]
      }>('jackpots.parseText', {
        league: 'E0',
        text: 'Man City v Arsenal 2.10 3.50 3.40\nLiverpool - Manchester Utd\nChelsea v Tottenhm',
      })
      expect(parsed.problems).toEqual([])
      expect(parsed.fixtures[0]).toMatchObject({ homeTeam: 'Man City', awayTeam: 'Arsenal' })
      expect(parsed.fixtures[1].awayTeam).toBe('Man United')
      expect(parsed.fixtures[2].awayTeam).toBeNull()
      expect(parsed.fixtures[2].awaySuggestions[0]).toBe('Tottenham')
    })

    it('refuses unknown teams with suggestions and saves nothing', async () => {
      const result = await scoreline.dispatch(
        'jackpots.create',
        { name: 'bad', league: 'E0', fixtures: [{ home: 'Arsenal', away: 'Chelsee FC United' }] },
        { transport: 'test' },
      )
      expect(result.ok).toBe(false)
      if (result.ok) return
      expect(result.error.code).toBe('UNKNOWN_TEAM')
      expect(result.error.message).toContain('"Chelsee FC United"')
      expect(await call<unknown[]>('jackpots.list', {})).toEqual([])
    })

    it('creates a 13-fixture jackpot, queues it for Postgres, and explains every probability', async () => {
      const pairs = [
        ['Arsenal', 'Chelsea'],
        ['Liverpool', 'Man United'],
        ['Man City', 'Tottenham'],
        ['Newcastle', 'Aston Villa'],
        ['Brighton', 'West Ham'],
        ['Everton', 'Fulham'],
        ['Brentford', 'Crystal Palace'],
        ['Wolves', "Nott'm Forest"],
        ['Bournemouth', 'Chelsea'],
        ['Tottenham', 'Arsenal'],
        ['Man United', 'Man City'],
        ['Aston Villa', 'Liverpool'],
        ['West Ham', 'Newcastle'],
      ]
      const jackpot = await call<JackpotDto>('jackpots.create', {
        name: 'Midweek 13',
        provider: 'Test pools',
        league: 'E0',
        fixtures: pairs.map(([h, a], i) => ({
          home: h,
          away: a,
          odds: i === 0 ? { home: 2.1, draw: 3.5, away: 3.4 } : null,
        })),
      })
      expect(jackpot.fixtures).toHaveLength(13)
      const outbox = scoreline.db
        .prepare("SELECT op, status FROM outbox WHERE entity = 'jackpot' AND entity_id = ?")
        .all(jackpot.id)
      expect(outbox).toEqual([{ op: 'upsert', status: 'pending' }])
      const stored = scoreline.db
        .prepare('SELECT pick FROM jackpot_fixtures WHERE jackpot_id = ? AND position = 2')
        .pluck()

      const analysis = await call<JackpotAnalysisDto>('jackpots.analyse', { id: jackpot.id })
      expect(analysis.models[0].description).toContain('Dixon-Coles fitted now')
      for (const f of analysis.fixtures) {
        expect(f.problems).toEqual([])
        const p = f.final!.probabilities
        expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 9)
        // the model's Shapley components and the serving stages add up exactly to served − baseline
        const j = ['H', 'D', 'A'].indexOf(f.explanation!.outcome)
        const total = f.explanation!.steps.reduce((s, c) => s + c.delta[j], 0)
        expect(f.explanation!.baseline[j] + total).toBeCloseTo(p[j], 10)
        expect(f.pick!.outcomes).toHaveLength(1)
      }
      // only the first fixture has odds: it alone has a market and a blend
      expect(analysis.fixtures[0].market?.method).toBe('shin')
      expect(analysis.fixtures[0].blend).not.toBeNull()
      expect(analysis.fixtures[1].market).toBeNull()
      const s = analysis.summary!
      expect(s.priced).toBe(13)
      expect(s.distribution).toHaveLength(14)
      expect(s.distribution.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
      expect(s.atLeast[13]).toBeCloseTo(s.pAllCorrect, 15)
      const expected = analysis.fixtures.reduce((sum, f) => sum + f.pick!.probability, 0)
      expect(s.expectedCorrect).toBeCloseTo(expected, 12)

      // a double-chance pick raises that leg's probability and the coupon's
      const changed = await call<JackpotDto>('jackpots.setPick', { id: jackpot.id, position: 2, pick: 'HD' })
      expect(changed.fixtures[1].pick).toBe('HD')
      expect(stored.get(jackpot.id)).toBe('1X') // the pools' notation, shared with Postgres
      const again = await call<JackpotAnalysisDto>('jackpots.analyse', { id: jackpot.id })
      expect(again.fixtures[1].pick!.outcomes).toEqual(['H', 'D'])
      expect(again.summary!.pAllCorrect).toBeGreaterThan(s.pAllCorrect)
    }, 60_000)
  },
)
