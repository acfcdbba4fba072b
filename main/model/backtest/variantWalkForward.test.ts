/**
 * The walk-forward through the variant interface: the no-lookahead proof for EVERY registered variant
 * (iterating `availableVariants()`, so variants registered later are covered without touching this file),
 * and valid probabilities from each.
 */
import { describe, expect, it } from 'vitest'
import { availableVariants, VARIANTS } from '../variants'
import { simulateLeagueForVariants, simulateLeagueWithOdds } from './simulatedMarket'
import { walkForward, type BacktestMatch, type BacktestRow } from './walkForward'

const FROM = '2022-08-01'
const TO = '2022-11-30'
const { matches } = simulateLeagueForVariants()
const bits = (x: unknown) => JSON.stringify(x)

describe('simulateLeagueForVariants', () => {
  it('has the goals and odds of simulateLeagueWithOdds plus shots, market and over 2.5 on every match', () => {
    const plain = simulateLeagueWithOdds().matches
    expect(matches.length).toBe(plain.length)
    matches.forEach((m, i) => {
      expect([m.date, m.home, m.away, m.homeGoals, m.awayGoals, m.odds]).toEqual([
        plain[i].date,
        plain[i].home,
        plain[i].away,
        plain[i].homeGoals,
        plain[i].awayGoals,
        plain[i].odds,
      ])
      expect(m.homeShotsOnTarget!).toBeGreaterThanOrEqual(m.homeGoals)
      expect(m.homeShots!).toBeGreaterThanOrEqual(m.homeShotsOnTarget!)
      expect(m.awayShots!).toBeGreaterThanOrEqual(m.awayShotsOnTarget!)
      expect(Math.abs(m.market![0] + m.market![1] + m.market![2] - 1)).toBeLessThan(1e-12)
      expect(m.marketOver25!).toBeGreaterThan(0)
      expect(m.marketOver25!).toBeLessThan(1)
    })
  })
})

describe('walkForward with every registered variant', () => {
  it('registers dixon-coles and poisson (and whatever else is there)', () => {
    expect(availableVariants().slice(0, 2)).toEqual(['dixon-coles', 'poisson'])
    for (const id of availableVariants()) expect(VARIANTS[id]!.id).toBe(id)
  })

  it('rejects an unknown variant with MODEL_BAD_INPUT naming the available ones', () => {
    let error: { code?: string; message?: string } = {}
    try {
      walkForward(matches, { from: FROM, model: 'tea-leaves' as never })
    } catch (e) {
      error = e as typeof error
    }
    expect(error.code).toBe('MODEL_BAD_INPUT')
    expect(error.message).toMatch(/Unknown model variant "tea-leaves"/)
    for (const id of availableVariants()) expect(error.message).toContain(id)
  })

  for (const id of availableVariants()) {
    describe(id, () => {
      const opts = { from: FROM, to: TO, minHistory: 30, model: id }
      const result = walkForward(matches, opts)

      it('forecasts the period with valid probabilities summing to 1, deterministically', () => {
        const inPeriod = matches.filter((m) => m.date >= FROM && m.date <= TO)
        expect(result.rows).toHaveLength(inPeriod.length)
        expect(result.options.model).toBe(id)
        expect(result.rows.filter((r) => r.model).length).toBeGreaterThan(inPeriod.length * 0.9)
        for (const r of result.rows) {
          for (const p of [r.model, r.market, r.blend, r.calibrated]) {
            if (!p) continue
            expect(p.every((x) => x >= 0 && x <= 1)).toBe(true)
            expect(Math.abs(p[0] + p[1] + p[2] - 1)).toBeLessThan(1e-9)
          }
        }
        expect(bits(walkForward(matches, opts).rows)).toBe(bits(result.rows))
      })

      it('has no lookahead: changing every result, shot, price and over 2.5 after a date leaves all earlier output bit-for-bit identical', () => {
        const dates = [...new Set(result.rows.map((r) => r.date))]
        const cut = dates[Math.floor(dates.length / 2)]
        const changed: BacktestMatch[] = matches.map((m) =>
          m.date > cut
            ? {
                ...m,
                homeGoals: m.awayGoals + 3,
                awayGoals: m.homeGoals,
                homeShotsOnTarget: (m.awayShotsOnTarget ?? 0) + 6,
                awayShotsOnTarget: 0,
                homeShots: 30,
                awayShots: 1,
                odds: [1.5, 4, 7],
                market: [0.64, 0.22, 0.14],
                marketOver25: 0.9,
              }
            : m,
        )
        changed.reverse() // the output must not depend on the input order either
        const other = walkForward(changed, opts)
        const upTo = (rows: BacktestRow[]) => rows.filter((r) => r.date <= cut)
        expect(upTo(other.rows).length).toBeGreaterThan(20)
        expect(bits(upTo(other.rows)) === bits(upTo(result.rows))).toBe(true)
        const refitsUpTo = (r: typeof result) => bits(r.refits.filter((x) => x.date <= cut))
        expect(refitsUpTo(other) === refitsUpTo(result)).toBe(true)
        // ... and the test has teeth: later model forecasts do change.
        const after = (rows: BacktestRow[]) => bits(rows.filter((r) => r.date > cut).map((r) => r.model))
        expect(after(other.rows) === after(result.rows)).toBe(false)
      })
    })
  }
})
