import path from 'node:path'
import { inverse, Matrix } from 'ml-matrix'
import { describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../test/support/sharedData'
import { mulberry32, randomTeams, simulateLeague, type SimTeam } from '../simulate/simulateLeague'
import { DixonColesError } from './errors'
import { fitDixonColes, fitDixonColesDetailed } from './fit'
import { logLikelihood, rhoInterval } from './likelihood'
import { predictFixture } from './predict'
import type { MatchStats } from './stats'
import { readSeasonCsv, readSeasons } from './testData'
import { toMatchArrays, type FittedModel, type MatchInput } from './types'

const dataDir = footballDataDir()

function expectCode(fn: () => unknown, code: string, message?: RegExp): DixonColesError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(DixonColesError)
    expect((e as DixonColesError).code).toBe(code)
    if (message) expect((e as Error).message).toMatch(message)
    return e as DixonColesError
  }
  throw new Error(`expected a ${code} error`)
}

function rating(model: FittedModel, name: string) {
  const t = model.teams.find((x) => x.name === name)
  if (!t) throw new Error(`no ${name}`)
  return t
}

describe.skipIf(!dataDir)(
  `golden: EPL 2011-12 (goalmodel README) ${dataDir ? '' : SHARED_DATA_SKIP_REASON}`,
  () => {
    // Reference: R package goalmodel (opisthokonta/goalmodel) README, Dixon-Coles fit of the 2011-12
    // Premier League with xi = 0; figures reproduced independently (see football-data SOURCES.md).
    it('reproduces log-likelihood −1087.36, rho −0.1336, home advantage 0.273 and Arsenal v Fulham 1X2', () => {
      const matches = readSeasonCsv(path.join(dataDir as string, 'E0', 'E0_2011-12.csv'))
      expect(matches).toHaveLength(380)
      const model = fitDixonColes(toMatchArrays(matches), { xi: 0 })
      expect(model.converged).toBe(true)
      expect(model.gradientNorm).toBeLessThan(1e-8)
      expect(model.nTeams).toBe(20)
      expect(model.logLikelihood.toFixed(2)).toBe('-1087.36')
      expect(model.rho.toFixed(4)).toBe('-0.1336')
      expect(model.homeAdvantage.toFixed(3)).toBe('0.273')
      const p = predictFixture(model, 'Arsenal', 'Fulham')
      expect([p.pHome.toFixed(4), p.pDraw.toFixed(4), p.pAway.toFixed(4)]).toEqual([
        '0.6117',
        '0.2268',
        '0.1615',
      ])
      // Σα = 0 identification.
      expect(Math.abs(model.teams.reduce((s, t) => s + t.attack, 0))).toBeLessThan(1e-12)
      // JSON round trip keeps everything.
      expect(JSON.parse(JSON.stringify(model))).toEqual(model)
    })
  },
)

describe.skipIf(!dataDir)(
  `real data on the edge of the tau-region ${dataDir ? '' : SHARED_DATA_SKIP_REASON}`,
  () => {
    it('Bundesliga 2020-21 (xi = 0): rho stops at −1/λ of Bayern v Schalke (8-0), every tau of every match stays > 0', () => {
      const matches = readSeasonCsv(path.join(dataDir as string, 'D1', 'D1_2020-21.csv'))
      const model = fitDixonColes(toMatchArrays(matches))
      expect(model.converged).toBe(true)
      expect(model.gradientNorm).toBeLessThan(1e-8)
      const p = predictFixture(model, 'Bayern Munich', 'Schalke 04')
      // The likelihood wants a more negative rho, but then τ(0,1) = 1 + λρ of this pairing turns negative.
      expect(model.rho).toBeGreaterThan(-1 / p.lambda)
      expect(model.rho).toBeLessThan((-1 / p.lambda) * (1 - 1e-4)) // within 1e-4 of the edge
      expect(model.rho.toFixed(4)).toBe('-0.1929')
      expect(model.minTau).toBeGreaterThan(0)
      expect(p.rhoClamped).toBe(false)
      expect(p.matrix[0][1]).toBeGreaterThanOrEqual(0)
      expect(model.rhoSe).toBeNull()
      expect(model.warnings.join(' ')).toMatch(/lower edge/)
    })
  },
)

describe.skipIf(!dataDir)(`several divisions together ${dataDir ? '' : SHARED_DATA_SKIP_REASON}`, () => {
  it('rates a team promoted from E1 from its Championship matches when E0 and E1 are fitted jointly', () => {
    const dir = dataDir as string
    const seasons = ['2021-22', '2022-23']
    const matches = [...readSeasons(dir, 'E0', seasons), ...readSeasons(dir, 'E1', seasons)]
    const model = fitDixonColes(toMatchArrays(matches), { xi: 0.0019 })
    expect(model.converged).toBe(true)
    expect(model.nTeams).toBeGreaterThan(40)
    // Luton spent both seasons in the Championship and was promoted for 2023-24.
    const luton = rating(model, 'Luton')
    const city = rating(model, 'Man City')
    expect(luton.matches).toBe(92)
    expect(luton.attackSe).toBeGreaterThan(0)
    expect(luton.attack).toBeLessThan(city.attack - 0.5)
    const p = predictFixture(model, 'Man City', 'Luton')
    expect(p.pHome).toBeGreaterThan(0.75)
  })

  it('refuses one season of E0 and E1 together: no team links the divisions', () => {
    const dir = dataDir as string
    const matches = [...readSeasons(dir, 'E0', ['2022-23']), ...readSeasons(dir, 'E1', ['2022-23'])]
    const err = expectCode(() => fitDixonColes(toMatchArrays(matches)), 'MODEL_DEGENERATE', /2 groups/)
    expect((err.details.components as string[][]).map((c) => c.length).sort()).toEqual([20, 24])
  })
})

/** Two simulated divisions; after season 1 the bottom team of A swaps with the top of B. */
function twoDivisions() {
  const a = randomTeams(8, 21, { prefix: 'A' })
  const b = randomTeams(8, 22, { prefix: 'B' }).map((t) => ({
    ...t,
    attack: t.attack - 0.3,
    defence: t.defence + 0.2,
  }))
  const season = (teams: SimTeam[], start: string, seed: number) =>
    simulateLeague({ teams, homeAdvantage: 0.25, rho: -0.1, seasons: 1, seed, startDate: start })
  const s1 = [...season(a, '2020-08-08', 1), ...season(b, '2020-08-09', 2)]
  const a2 = [...a.slice(0, 7), b[7]]
  const b2 = [...b.slice(0, 7), a[7]]
  const s2 = [...season(a2, '2021-08-07', 3), ...season(b2, '2021-08-08', 4)]
  return { a, b, s1, s2 }
}

describe('fit: simulated leagues', () => {
  it('recovers known parameters of a 20-team, 6-season league within 4 standard errors (and z² averages ≈ 1)', () => {
    const teams = randomTeams(20, 7)
    const truth = { homeAdvantage: 0.27, rho: -0.11 }
    const matches = simulateLeague({ teams, ...truth, seasons: 6, seed: 42 })
    const model = fitDixonColes(toMatchArrays(matches))
    expect(model.converged).toBe(true)
    expect(model.gradientNorm).toBeLessThan(1e-8)
    const z: number[] = []
    for (const t of teams) {
      const r = rating(model, t.name)
      z.push(
        (r.attack - t.attack) / (r.attackSe as number),
        (r.defence - t.defence) / (r.defenceSe as number),
      )
    }
    z.push((model.homeAdvantage - truth.homeAdvantage) / (model.homeAdvantageSe as number))
    z.push((model.rho - truth.rho) / (model.rhoSe as number))
    // 42 estimates: with correct SEs P(any |z| > 4) ≈ 0.3%, and mean z² ~ 1 ± 0.22 (chi²₄₂/42).
    for (const v of z) expect(Math.abs(v)).toBeLessThan(4)
    const meanZ2 = z.reduce((s, v) => s + v * v, 0) / z.length
    expect(meanZ2).toBeGreaterThan(0.4)
    expect(meanZ2).toBeLessThan(1.8)
  })

  it('a promoted team gets a rating from its lower-division matches; one season alone is refused', () => {
    const { b, s1, s2 } = twoDivisions()
    expectCode(() => fitDixonColes(toMatchArrays(s1)), 'MODEL_DEGENERATE', /never play each other/)
    // As of the first weekend of season 2 the promoted team has 14 lower-division matches and one in
    // the top flight: its rating rests on the lower division, put on the common scale by the
    // cross-division link that promotion and relegation create.
    const model = fitDixonColes(toMatchArrays([...s1, ...s2]), { asOf: '2021-08-08' })
    expect(model.converged).toBe(true)
    const promoted = rating(model, b[7].name)
    expect(promoted.matches).toBe(15)
    expect(Math.abs(promoted.attack - b[7].attack)).toBeLessThan(4 * (promoted.attackSe as number))
    expect(Math.abs(promoted.defence - b[7].defence)).toBeLessThan(4 * (promoted.defenceSe as number))
  })

  it('warm start reaches the same optimum in fewer Newton iterations', () => {
    const teams = randomTeams(20, 8)
    const matches = simulateLeague({ teams, homeAdvantage: 0.25, rho: -0.1, seasons: 3, seed: 3 })
    const data = toMatchArrays(matches)
    const lastDay = Math.max(...data.dayNumber)
    const dates = [...new Set(matches.map((m) => m.date))].sort()
    const weekBefore = dates[dates.length - 3]
    const previous = fitDixonColes(data, { xi: 0.0019, asOf: weekBefore })
    const cold = fitDixonColes(data, { xi: 0.0019 })
    const warm = fitDixonColes(data, { xi: 0.0019, warmStart: previous })
    expect(cold.asOf).toBe(new Date(lastDay * 86_400_000).toISOString().slice(0, 10))
    expect(cold.nMatches).toBeGreaterThan(previous.nMatches)
    expect(warm.converged && cold.converged).toBe(true)
    expect(warm.iterations).toBeLessThan(cold.iterations)
    expect(warm.logLikelihood).toBeCloseTo(cold.logLikelihood, 9)
    for (const t of cold.teams) {
      expect(rating(warm, t.name).attack).toBeCloseTo(t.attack, 7)
      expect(rating(warm, t.name).defence).toBeCloseTo(t.defence, 7)
    }
    expect(warm.rho).toBeCloseTo(cold.rho, 7)
    // Refitting the same data from its own optimum takes no step at all.
    expect(fitDixonColes(data, { xi: 0.0019, warmStart: cold }).iterations).toBe(0)
  })

  it('recovers from a poor warm start (wrong signs, rho outside the data region) to the same optimum', () => {
    const teams = randomTeams(12, 5)
    const data = toMatchArrays(simulateLeague({ teams, homeAdvantage: 0.3, rho: -0.1, seasons: 2, seed: 4 }))
    const good = fitDixonColes(data)
    const bad: FittedModel = {
      ...good,
      teams: good.teams.map((t, i) => ({ ...t, attack: (i % 3) - 1, defence: 1.5 - (i % 2) * 2 })),
      homeAdvantage: -1,
      rho: 0.9,
    }
    const refit = fitDixonColes(data, { warmStart: bad })
    expect(refit.converged).toBe(true)
    expect(refit.logLikelihood).toBeCloseTo(good.logLikelihood, 9)
    expect(refit.rho).toBeCloseTo(good.rho, 8)
    expect(refit.homeAdvantage).toBeCloseTo(good.homeAdvantage, 8)
  })

  it('standard errors equal the square roots of the inverse finite-difference Hessian (delta method for the last alpha)', () => {
    const teams = randomTeams(8, 13)
    const matches = simulateLeague({ teams, homeAdvantage: 0.3, rho: -0.1, seasons: 3, seed: 17 })
    const { model, theta, prepared, freeIndices } = fitDixonColesDetailed(toMatchArrays(matches), {
      xi: 0.001,
    })
    const s = prepared.stats
    const k = s.nTeams
    const m = freeIndices.length
    expect(m).toBe(2 * k + 1)
    // θ(u): free coordinates u, α_{K−1} = −Σ other α.
    const at = (u: number[]) => {
      const t = theta.slice()
      let sum = 0
      for (let r = 0; r < m; r++) {
        t[freeIndices[r]] = u[r]
        if (r < k - 1) sum += u[r]
      }
      t[k - 1] = -sum
      return logLikelihood(s, t)
    }
    const u0 = Array.from(freeIndices, (f) => theta[f])
    const h = 1e-4
    const H = Matrix.zeros(m, m)
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        const f = (di: number, dj: number) => {
          const u = u0.slice()
          u[i] += di
          u[j] += dj
          return at(u)
        }
        H.set(i, j, -(f(h, h) - f(h, -h) - f(-h, h) + f(-h, -h)) / (4 * h * h))
      }
    }
    const V = inverse(H)
    const seFd = (r: number) => Math.sqrt(V.get(r, r))
    const close = (a: number | null, b: number) => expect(Math.abs((a as number) - b) / b).toBeLessThan(1e-3)
    for (let i = 0; i < k - 1; i++) close(model.teams[i].attackSe, seFd(i))
    let varLast = 0
    for (let i = 0; i < k - 1; i++) for (let j = 0; j < k - 1; j++) varLast += V.get(i, j)
    close(model.teams[k - 1].attackSe, Math.sqrt(varLast))
    for (let i = 0; i < k; i++) close(model.teams[i].defenceSe, seFd(k - 1 + i))
    close(model.homeAdvantageSe, seFd(2 * k - 1))
    close(model.rhoSe, seFd(2 * k))
  })
})

describe('fit: options and model variants', () => {
  const teams = randomTeams(10, 31)
  const matches = simulateLeague({ teams, homeAdvantage: 0.3, rho: -0.1, seasons: 2, seed: 8 })

  it("model 'poisson' fixes rho = 0 and satisfies the Poisson GLM identities Σλ = Σx and Σμ = Σy", () => {
    const data = toMatchArrays(matches)
    const pois = fitDixonColes(data, { model: 'poisson' })
    const dc = fitDixonColes(data)
    expect(pois.converged).toBe(true)
    expect(pois.model).toBe('poisson')
    expect(pois.rho).toBe(0)
    expect(pois.rhoSe).toBeNull()
    expect(dc.logLikelihood).toBeGreaterThan(pois.logLikelihood)
    let sumLam = 0
    let sumMu = 0
    let sumX = 0
    let sumY = 0
    for (const m of matches) {
      sumLam += Math.exp(pois.homeAdvantage + rating(pois, m.home).attack + rating(pois, m.away).defence)
      sumMu += Math.exp(rating(pois, m.away).attack + rating(pois, m.home).defence)
      sumX += m.homeGoals
      sumY += m.awayGoals
    }
    expect(sumLam).toBeCloseTo(sumX, 7)
    expect(sumMu).toBeCloseTo(sumY, 7)
  })

  it('asOf excludes later matches, from excludes earlier ones, and xi down-weights old matches', () => {
    const data = toMatchArrays(matches)
    const dates = matches.map((m) => m.date).sort()
    const mid = dates[Math.floor(dates.length / 2)]
    const full = fitDixonColes(data)
    const early = fitDixonColes(data, { asOf: mid })
    const late = fitDixonColes(data, { from: mid })
    expect(full.nMatches).toBe(matches.length)
    expect(early.nMatches).toBe(matches.filter((m) => m.date <= mid).length)
    expect(late.nMatches).toBe(matches.filter((m) => m.date >= mid).length)
    expect(early.asOf).toBe(mid)
    expect(late.from).toBe(mid)
    const decayed = fitDixonColes(data, { xi: 0.01 })
    expect(decayed.xi).toBe(0.01)
    // Weighted log-likelihood shrinks in magnitude when old matches count less.
    expect(Math.abs(decayed.logLikelihood)).toBeLessThan(Math.abs(full.logLikelihood) / 2)
  })

  it('neutral venues omit gamma: the home advantage is recovered only when the flags are honoured', () => {
    const league = simulateLeague({ teams, homeAdvantage: 0.4, rho: -0.1, seasons: 2, seed: 50 })
    // A "tournament" between the same teams at neutral grounds (simulated without home advantage).
    const cup = simulateLeague({
      teams,
      homeAdvantage: 0,
      rho: -0.1,
      seasons: 8,
      seed: 51,
      startDate: '2018-01-01',
    })
    const flagged = fitDixonColes(toMatchArrays([...league, ...cup.map((m) => ({ ...m, neutral: true }))]))
    const ignored = fitDixonColes(toMatchArrays([...league, ...cup]))
    const se = flagged.homeAdvantageSe as number
    expect(Math.abs(flagged.homeAdvantage - 0.4)).toBeLessThan(3 * se)
    // Ignoring the flags dilutes gamma towards 0.4 × 180/900 ≈ 0.08.
    expect(ignored.homeAdvantage).toBeLessThan(0.4 - 3 * se)
    expect(ignored.homeAdvantage).toBeLessThan(flagged.homeAdvantage - 0.15)
    const p = predictFixture(flagged, teams[0].name, teams[1].name, { neutral: true })
    const q = predictFixture(flagged, teams[1].name, teams[0].name, { neutral: true })
    expect(p.lambda).toBeCloseTo(q.mu, 12)
    expect(p.mu).toBeCloseTo(q.lambda, 12)
    // All matches neutral: gamma cannot be estimated and is fixed at 0 with a warning.
    const allNeutral = fitDixonColes(toMatchArrays(cup.map((m) => ({ ...m, neutral: true }))))
    expect(allNeutral.homeAdvantage).toBe(0)
    expect(allNeutral.homeAdvantageSe).toBeNull()
    expect(allNeutral.warnings.join(' ')).toMatch(/neutral venue/)
  })

  it('reports non-convergence instead of throwing', () => {
    const model = fitDixonColes(toMatchArrays(matches), { maxIterations: 1 })
    expect(model.converged).toBe(false)
    expect(model.iterations).toBe(1)
    expect(model.gradientNorm).toBeGreaterThan(1e-8)
    expect(model.warnings.join(' ')).toMatch(/Did not converge/)
  })
})

describe('fit: edge cases', () => {
  const teams = randomTeams(10, 41)
  const league = simulateLeague({ teams, homeAdvantage: 0.3, rho: -0.1, seasons: 2, seed: 9 })

  it('fits a team that only ever played at home; its SEs are finite and larger than for a regular team', () => {
    const homeOnly: MatchInput[] = teams.map((t, i) => ({
      date: '2016-03-01',
      home: 'Homebodies',
      away: t.name,
      homeGoals: [2, 1, 0, 3, 1, 1, 2, 0, 1, 2][i],
      awayGoals: [1, 1, 2, 0, 0, 1, 2, 1, 3, 0][i],
    }))
    const model = fitDixonColes(toMatchArrays([...league, ...homeOnly]))
    expect(model.converged).toBe(true)
    const hb = rating(model, 'Homebodies')
    expect(hb.matches).toBe(10)
    expect(Number.isFinite(hb.attackSe as number)).toBe(true)
    expect(hb.attackSe as number).toBeGreaterThan(1.5 * (rating(model, teams[0].name).attackSe as number))
    const p = predictFixture(model, teams[0].name, 'Homebodies')
    expect(p.pHome + p.pDraw + p.pAway).toBeCloseTo(1, 12)
  })

  it('a season with a single match: MODEL_DEGENERATE (attack and defence cannot be separated)', () => {
    const one = [{ date: '2020-08-01', home: 'A', away: 'B', homeGoals: 2, awayGoals: 1 }]
    expectCode(() => fitDixonColes(toMatchArrays(one)), 'MODEL_DEGENERATE', /not identifiable/)
  })

  it('teams that only meet in two camps (a bipartite fixture graph) are refused too', () => {
    const camps: MatchInput[] = []
    for (const h of ['A', 'B']) {
      for (const a of ['C', 'D']) {
        camps.push({ date: '2020-08-01', home: h, away: a, homeGoals: 2, awayGoals: 1 })
        camps.push({ date: '2020-09-01', home: a, away: h, homeGoals: 1, awayGoals: 1 })
      }
    }
    expectCode(() => fitDixonColes(toMatchArrays(camps)), 'MODEL_DEGENERATE', /bipartite/)
  })

  it('all 0-0s: MODEL_DEGENERATE', () => {
    const dull = league.map((m) => ({ ...m, homeGoals: 0, awayGoals: 0 }))
    expectCode(() => fitDixonColes(toMatchArrays(dull)), 'MODEL_DEGENERATE', /0-0/)
  })

  it('a team that never scored in the window: MODEL_DEGENERATE naming it', () => {
    const blunt = league.map((m) =>
      m.home === teams[3].name
        ? { ...m, homeGoals: 0 }
        : m.away === teams[3].name
          ? { ...m, awayGoals: 0 }
          : m,
    )
    const err = expectCode(() => fitDixonColes(toMatchArrays(blunt)), 'MODEL_DEGENERATE', /never scored/)
    expect(err.details.neverScored).toEqual([teams[3].name])
  })

  it('no match in the window: MODEL_NO_DATA; empty input too', () => {
    expectCode(
      () => fitDixonColes(toMatchArrays(league), { asOf: '2001-01-01' }),
      'MODEL_NO_DATA',
      /No matches/,
    )
    expectCode(() => fitDixonColes(toMatchArrays([])), 'MODEL_NO_DATA')
  })

  it('a team with no match in the window is dropped from the fit and listed', () => {
    const old: MatchInput = {
      date: '2010-01-01',
      home: 'Relegated FC',
      away: teams[0].name,
      homeGoals: 1,
      awayGoals: 1,
    }
    const model = fitDixonColes(toMatchArrays([old, ...league]), { from: '2015-01-01' })
    expect(model.droppedTeams).toEqual(['Relegated FC'])
    expect(model.teams.map((t) => t.name)).not.toContain('Relegated FC')
    expect(model.warnings.join(' ')).toMatch(/Relegated FC/)
    expectCode(() => predictFixture(model, 'Relegated FC', teams[0].name), 'UNKNOWN_TEAM', /Relegated FC/)
  })

  /** No random feasible perturbation of θ (all parameters, Σα kept 0) beats the fit by more than `slack`. */
  function expectLocalMaximum(stats: MatchStats, theta: Float64Array, slack: number) {
    const k = stats.nTeams
    const best = logLikelihood(stats, theta)
    const rng = mulberry32(99)
    let below = 0
    for (let trial = 0; trial < 400; trial++) {
      const t = theta.slice()
      const scale = trial % 2 ? 1e-3 : 1e-2
      let sum = 0
      for (let i = 0; i < t.length; i++) t[i] += scale * (rng() - 0.5)
      for (let i = 0; i < k; i++) sum += t[i]
      for (let i = 0; i < k; i++) t[i] -= sum / k
      // Pull rho back inside the region at the perturbed λ, μ (points on the edge are allowed too).
      const [lo, hi] = rhoInterval(stats, t)
      t[2 * k + 1] = Math.min(Math.max(t[2 * k + 1], lo * (1 - 1e-9)), hi * (1 - 1e-9))
      const v = logLikelihood(stats, t)
      expect(v).toBeGreaterThan(-Infinity)
      expect(v).toBeLessThanOrEqual(best + slack)
      if (v < best) below++
    }
    expect(below).toBeGreaterThan(390)
  }

  it('rho pushed out of the tau-region: the constrained maximum on its edge, strictly inside (every tau > 0)', () => {
    // No 0-0 or 1-1 at all and many 1-0 / 0-1: the likelihood increases in rho until, for the
    // highest-scoring pairing, τ(0,0) = 1 − λμρ would reach 0 — a pairing whose matches did not end
    // 0-0, so nothing in the likelihood itself stops rho. The unconstrained optimum is outside.
    const edgy: MatchInput[] = league.map((m) =>
      m.homeGoals === m.awayGoals && m.homeGoals <= 1 ? { ...m, homeGoals: 2, awayGoals: 2 } : m,
    )
    for (let i = 0; i < 40; i++) {
      edgy.push({
        date: '2017-06-01',
        home: teams[i % 10].name,
        away: teams[(i + 3) % 10].name,
        homeGoals: i % 2,
        awayGoals: 1 - (i % 2),
      })
    }
    const { model, theta, prepared } = fitDixonColesDetailed(toMatchArrays(edgy))
    const [lo, hi] = rhoInterval(prepared.stats, theta)
    expect(model.converged).toBe(true)
    expect(model.gradientNorm).toBeLessThan(1e-8)
    expect(model.rho).toBeGreaterThan(hi * (1 - 1e-5)) // on the edge ...
    expect(model.rho).toBeLessThan(hi) // ... but strictly inside
    expect(model.rho).toBeGreaterThan(lo)
    expect(model.minTau).toBeGreaterThan(0)
    expect(model.minTau).toBeLessThan(1e-4)
    expect(Number.isFinite(model.logLikelihood)).toBe(true)
    expect(model.rhoSe).toBeNull()
    expect(model.teams[0].attackSe).toBeGreaterThan(0)
    expect(model.warnings.join(' ')).toMatch(/upper edge of its valid region/)
    expectLocalMaximum(prepared.stats, theta, 1e-4)
    // Every pairing in the data still gets a proper distribution without clamping.
    for (const m of edgy.slice(0, 60)) {
      const p = predictFixture(model, m.home, m.away)
      expect(p.rhoClamped).toBe(false)
      for (const row of p.matrix) for (const v of row) expect(v).toBeGreaterThanOrEqual(0)
    }
  })

  it('a small real-looking sample whose best rho lies past the lower edge (many low draws) also converges on the edge', () => {
    // 10 teams, 2 seasons, seed 4: 18 draws 0-0 and 29 draws 1-1 in 180 matches pull rho below
    // −1/max λ (τ(0,1) of the most lopsided pairing would turn negative).
    const small = simulateLeague({
      teams: randomTeams(10, 5),
      homeAdvantage: 0.3,
      rho: -0.1,
      seasons: 2,
      seed: 4,
    })
    const { model, theta, prepared } = fitDixonColesDetailed(toMatchArrays(small))
    const [lo] = rhoInterval(prepared.stats, theta)
    expect(model.converged).toBe(true)
    expect(model.rho).toBeGreaterThan(lo)
    expect(model.rho).toBeLessThan(lo * (1 - 1e-5))
    expect(model.warnings.join(' ')).toMatch(/lower edge/)
    expectLocalMaximum(prepared.stats, theta, 1e-4)
    // The golden-size fits never take this path: interior, full SEs.
    expect(fitDixonColes(toMatchArrays(league)).rhoSe).not.toBeNull()
  })

  it('rejects malformed input with MODEL_BAD_INPUT', () => {
    expectCode(
      () => toMatchArrays([{ date: '2020-02-30', home: 'A', away: 'B', homeGoals: 1, awayGoals: 0 }]),
      'MODEL_BAD_INPUT',
      /2020-02-30/,
    )
    expectCode(
      () => toMatchArrays([{ date: '2020-02-03', home: 'A', away: 'A', homeGoals: 1, awayGoals: 0 }]),
      'MODEL_BAD_INPUT',
      /itself/,
    )
    expectCode(
      () => toMatchArrays([{ date: '2020-02-03', home: 'A', away: 'B', homeGoals: -1, awayGoals: 0 }]),
      'MODEL_BAD_INPUT',
    )
    expectCode(() => fitDixonColes(toMatchArrays(league), { xi: -1 }), 'MODEL_BAD_INPUT')
  })
})
