import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareOnSameMatches, describeMatchSet, matchScores, type MatchScore } from './sameMatches'

const score = fc.double({ min: 0, max: 1, noNaN: true })
const side = (ids: number[]) =>
  fc
    .tuple(...ids.map(() => fc.tuple(score, fc.option(score, { nil: null }))))
    .map((values) =>
      ids.map((matchId, i): MatchScore => ({ matchId, served: values[i][0], model: values[i][1] })),
    )

describe('compareOnSameMatches', () => {
  it('compares both versions on the matches both scored, with n', () => {
    const c = compareOnSameMatches(
      [
        { matchId: 1, served: 0.2, model: 0.3 },
        { matchId: 2, served: 0.1, model: 0.2 },
        { matchId: 3, served: 0.5, model: 0.5 },
      ],
      [
        { matchId: 2, served: 0.3, model: 0.1 },
        { matchId: 1, served: 0.1, model: 0.1 },
        { matchId: 4, served: 0.9, model: 0.9 },
      ],
    )
    expect(c.n).toBe(2)
    expect(c.identical).toBe(false)
    expect(c.candidateOnly).toBe(1)
    expect(c.championOnly).toBe(1)
    expect(c.candidate.served).toBeCloseTo(0.15, 12)
    expect(c.champion.served).toBeCloseTo(0.2, 12)
    expect(describeMatchSet(c)).toBe('2 common matches (the candidate alone scored 1, the champion alone 1)')
  })

  it('is unchanged by adding a match that only one side scored (property)', () => {
    fc.assert(
      fc.property(
        fc
          .uniqueArray(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 40 })
          .chain((ids) =>
            fc.tuple(
              side(ids),
              side(ids),
              fc.integer({ min: 10_001, max: 20_000 }),
              score,
              fc.boolean(),
              fc.nat(),
            ),
          ),
        ([cand, champ, extraId, extraScore, toCandidate, at]) => {
          const before = compareOnSameMatches(cand, champ)
          const extra = { matchId: extraId, served: extraScore, model: extraScore }
          const insert = (xs: MatchScore[]) => [
            ...xs.slice(0, at % (xs.length + 1)),
            extra,
            ...xs.slice(at % (xs.length + 1)),
          ]
          const after = toCandidate
            ? compareOnSameMatches(insert(cand), champ)
            : compareOnSameMatches(cand, insert(champ))
          expect(after.n).toBe(before.n)
          expect(after.modelN).toBe(before.modelN)
          expect(after.matchSet).toBe(before.matchSet)
          expect(after.candidate).toEqual(before.candidate)
          expect(after.champion).toEqual(before.champion)
          expect(after.identical).toBe(false)
        },
      ),
    )
  })

  it('scores the rows a walk-forward counted (model and market present), by match id', () => {
    const rows = [
      {
        matchId: 1,
        result: 'H' as const,
        model: [0.5, 0.3, 0.2] as const,
        market: [0.5, 0.3, 0.2] as const,
        calibrated: [0.5, 0.3, 0.2] as const,
      },
      {
        matchId: 2,
        result: 'D' as const,
        model: [0.5, 0.3, 0.2] as const,
        market: null,
        calibrated: [0.5, 0.3, 0.2] as const,
      },
      { matchId: 3, result: 'A' as const, model: null, market: [0.5, 0.3, 0.2] as const, calibrated: null },
      {
        matchId: null,
        result: 'A' as const,
        model: [0.5, 0.3, 0.2] as const,
        market: [0.5, 0.3, 0.2] as const,
        calibrated: [0.5, 0.3, 0.2] as const,
      },
    ]
    const scores = matchScores(
      rows.map((r) => ({
        ...r,
        model: r.model && ([...r.model] as [number, number, number]),
        market: r.market && ([...r.market] as [number, number, number]),
        calibrated: r.calibrated && ([...r.calibrated] as [number, number, number]),
      })),
    )
    expect(scores.map((s) => s.matchId)).toEqual([1])
    expect(scores[0].served).toBeCloseTo((0.5 ** 2 + 0.2 ** 2) / 2, 12)
  })
})
