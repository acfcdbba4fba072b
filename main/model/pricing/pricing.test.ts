import { describe, expect, it } from 'vitest'
import { outcomeProbabilities, outcomeProbabilitiesGrid, scoreMatrix, topScores } from '../dixonColes/predict'
import type { TeamRating } from '../dixonColes/types'
import { asianHandicap } from './asianHandicap'
import { promotedTeamPrior } from './promotedPrior'

const team = (name: string, attack: number, defence: number, matches: number): TeamRating => ({
  name,
  attack,
  defence,
  attackSe: null,
  defenceSe: null,
  matches,
})

describe('promotedTeamPrior', () => {
  it('averages the teams with a partial spell in the window (≤ 60 % of the regulars’ matches)', () => {
    const prior = promotedTeamPrior({
      teams: [
        team('Regulars A', 0.3, -0.2, 114),
        team('Regulars B', 0.1, 0.0, 114),
        team('Came up 1', -0.3, 0.3, 38),
        team('Came up 2', -0.1, 0.2, 68),
      ],
    })!
    expect(prior.basis).toBe('partial-spell')
    expect(prior.teams).toEqual(['Came up 1', 'Came up 2'])
    expect(prior.attack).toBeCloseTo(-0.2, 15)
    expect(prior.defence).toBeCloseTo(0.25, 15)
    expect(prior.description).toBe(
      "the mean rating of the 2 teams promoted or relegated inside the model's window (Came up 1, Came up 2)",
    )
  })

  it('falls back to the bottom three by attack − defence when every team played throughout', () => {
    const prior = promotedTeamPrior({
      teams: [
        team('Top', 0.4, -0.3, 76),
        team('Mid', 0.0, 0.0, 76),
        team('Low 1', -0.2, 0.1, 76),
        team('Low 2', -0.3, 0.2, 76),
        team('Low 3', -0.1, 0.3, 76),
      ],
    })!
    expect(prior.basis).toBe('bottom-three')
    expect(prior.teams).toEqual(['Low 2', 'Low 3', 'Low 1'])
    expect(prior.attack).toBeCloseTo(-0.2, 15)
    expect(prior.defence).toBeCloseTo(0.2, 15)
    expect(promotedTeamPrior({ teams: [] })).toBeNull()
  })
})

describe('asianHandicap', () => {
  const m = scoreMatrix(1.6, 1.1, -0.05)
  const diff = (pred: (d: number) => boolean) => {
    let p = 0
    m.forEach((row, x) => row.forEach((v, y) => (p += pred(x - y) ? v : 0)))
    return p
  }
  const shares = (r: ReturnType<typeof asianHandicap>) => r.win + r.halfWin + r.push + r.halfLoss + r.loss

  it('half lines have no push: home −0.5 covers exactly when the home side wins', () => {
    const r = asianHandicap(m, -0.5)
    expect(r.win).toBeCloseTo(
      diff((d) => d > 0),
      14,
    )
    expect(r.push + r.halfWin + r.halfLoss).toBe(0)
    expect(r.homeCover).toBeCloseTo(r.win, 14)
  })

  it('integer lines push: home −1 pushes on a one-goal win, and cover excludes the push', () => {
    const r = asianHandicap(m, -1)
    expect(r.push).toBeCloseTo(
      diff((d) => d === 1),
      14,
    )
    expect(r.win).toBeCloseTo(
      diff((d) => d > 1),
      14,
    )
    expect(r.homeCover).toBeCloseTo(r.win / (r.win + r.loss), 14)
    expect(shares(r)).toBeCloseTo(1, 12)
  })

  it('quarter lines split the stake: −0.25 loses half on a draw, −0.75 wins half on a one-goal win', () => {
    const q = asianHandicap(m, -0.25)
    expect(q.halfLoss).toBeCloseTo(
      diff((d) => d === 0),
      14,
    )
    expect(q.win).toBeCloseTo(
      diff((d) => d > 0),
      14,
    )
    expect(q.homeCover).toBeCloseTo(q.win / (q.win + q.loss + q.halfLoss / 2), 14)
    const t = asianHandicap(m, -0.75)
    expect(t.halfWin).toBeCloseTo(
      diff((d) => d === 1),
      14,
    )
    expect(t.homeCover).toBeCloseTo((t.win + t.halfWin / 2) / (t.win + t.halfWin / 2 + t.loss), 14)
    expect(shares(t)).toBeCloseTo(1, 12)
    // the away side's +0.25 is the mirror of the home side's −0.25
    expect(asianHandicap(m, 0.25).halfWin).toBeCloseTo(
      diff((d) => d === 0),
      14,
    )
    expect(() => asianHandicap(m, 0.3)).toThrow(/multiple of 0.25/)
  })
})

describe('topScores (kept k best while scanning)', () => {
  it('gives exactly the first k of the full sort, ties by fewer goals then home goals', () => {
    const full = (m: number[][]) =>
      m
        .flatMap((row, x) => row.map((p, y) => ({ homeGoals: x, awayGoals: y, p })))
        .sort(
          (a, b) =>
            b.p - a.p || a.homeGoals + a.awayGoals - (b.homeGoals + b.awayGoals) || a.homeGoals - b.homeGoals,
        )
    const tied = [
      [0.1, 0.1, 0.05],
      [0.1, 0.2, 0.05],
      [0.05, 0.2, 0.15],
    ]
    for (const m of [scoreMatrix(1.6, 1.1, -0.05), scoreMatrix(0.4, 3.2, 0), tied]) {
      for (const k of [0, 1, 5, 9, 400]) expect(topScores(m, k)).toEqual(full(m).slice(0, k))
    }
  })
})

describe("outcomeProbabilitiesGrid (an explanation's 64 coalitions from one pmf per rate)", () => {
  it('is outcomeProbabilities bit for bit for every λ × μ × ρ', () => {
    const lambdas = [0.05, 0.4, 1.1, 1.6, 3.2, 9.5, 40]
    const mus = [0.02, 0.7, 1.3, 2.4, 15]
    const rhos = [0, -0.12, 0.05, -0.9]
    const grid = outcomeProbabilitiesGrid(lambdas, mus, rhos)
    lambdas.forEach((l, i) =>
      mus.forEach((m, j) =>
        rhos.forEach((r, k) => {
          const direct = outcomeProbabilities(l, m, r)
          grid[i][j][k].forEach((p, o) => expect(Object.is(p, direct[o])).toBe(true))
        }),
      ),
    )
    expect(() => outcomeProbabilitiesGrid([1], [101], [0])).toThrow(/at most 100 goals/)
  })
})
