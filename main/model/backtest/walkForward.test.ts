import { describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../test/support/sharedData'
import {
  dateOfDayNumber,
  dayNumberOf,
  fitDixonColes,
  outcomeProbabilities,
  toMatchArrays,
} from '../dixonColes'
import { fitBlendWeight, applyBlend } from '../blend'
import { removeMargin } from '../market'
import { rps, summarise, type Triple } from '../metrics'
import { fitTemperatureFast, PoolWeightFitter } from './poolWeight'
import { fitTemperature } from '../calibration'
import { simulateLeagueWithOdds } from './simulatedMarket'
import { walkForward, yearsBefore, type BacktestMatch, type BacktestRow } from './walkForward'
import { DEFAULT_XI_GRID, runXiTask, selectXi, type XiTask } from './selectXi'

const FROM = '2022-08-01' // the 4th simulated season (the first three are history)
const { matches } = simulateLeagueWithOdds()
const dataDir = footballDataDir()

/** Exact text of every number (shortest round-trip form): equal strings ⇔ bit-identical doubles. */
const bits = (x: unknown) => JSON.stringify(x)

describe('walkForward on a simulated league with odds', () => {
  const result = walkForward(matches, { from: FROM, minHistory: 30 })

  it('predicts every match from `from` on, one refit per distinct date, warm-started', () => {
    const expected = matches.filter((m) => m.date >= FROM)
    expect(result.rows).toHaveLength(expected.length)
    expect(result.refits).toHaveLength(new Set(expected.map((m) => m.date)).size)
    expect(result.rows.every((r) => r.model && r.market && r.blend && r.calibrated)).toBe(true)
    expect(result.skipped).toEqual({ noModel: 0, noMarket: 0, teams: [] })
    // Warm starts: after the first refit a date adds one round, so Newton needs only a few steps.
    const later = result.refits.slice(1).map((r) => r.fit?.iterations ?? 99)
    expect(Math.max(...later)).toBeLessThanOrEqual(5)
    expect(later.reduce((a, b) => a + b, 0) / later.length).toBeLessThan(4)
    for (const r of result.rows) {
      for (const p of [r.model, r.market, r.blend, r.calibrated] as Triple[]) {
        expect(Math.abs(p[0] + p[1] + p[2] - 1)).toBeLessThan(1e-9)
      }
    }
  })

  it('has no lookahead: changing every result and price after a date leaves all earlier output bit-for-bit identical', () => {
    const dates = [...new Set(result.rows.map((r) => r.date))]
    const cut = dates[Math.floor(dates.length / 2)]
    const changed: BacktestMatch[] = matches.map((m) =>
      m.date > cut ? { ...m, homeGoals: m.awayGoals + 3, awayGoals: m.homeGoals, odds: [1.5, 4, 7] } : m,
    )
    // Shuffle the input order too: the output must not depend on it.
    changed.reverse()
    const other = walkForward(changed, { from: FROM, minHistory: 30 })
    const upTo = (rows: BacktestRow[]) => rows.filter((r) => r.date <= cut)
    expect(upTo(other.rows).length).toBeGreaterThan(30)
    expect(bits(upTo(other.rows)) === bits(upTo(result.rows))).toBe(true)
    // those bits include each row's goals-market forecast (P(over 2.5), goal-difference distribution; #22 §2)
    expect(upTo(result.rows).every((r) => r.goals && r.goals.over25 > 0 && r.goals.over25 < 1)).toBe(true)
    const refitsUpTo = (r: typeof result) => bits(r.refits.filter((x) => x.date <= cut))
    expect(refitsUpTo(other) === refitsUpTo(result)).toBe(true)
    // ... and the test has teeth: later predictions do change.
    const after = (rows: BacktestRow[]) => bits(rows.filter((r) => r.date > cut))
    expect(after(other.rows) === after(result.rows)).toBe(false)
  })

  it('ignores matches older than the window: changing results before from − windowYears changes nothing', () => {
    const oldest = yearsBefore(FROM, 2)
    const changed = matches.map((m) => (m.date < oldest ? { ...m, homeGoals: 0, awayGoals: 5 } : m))
    const a = walkForward(matches, { from: FROM, windowYears: 2, minHistory: 30 })
    const b = walkForward(changed, { from: FROM, windowYears: 2, minHistory: 30 })
    expect(changed.some((m, i) => m.homeGoals !== matches[i].homeGoals)).toBe(true)
    expect(bits(b.rows) === bits(a.rows)).toBe(true)
  })

  it('each date’s model equals a cold fit on the matches strictly before it, in the window, decayed as of the date', () => {
    const data = toMatchArrays(matches)
    for (const k of [0, 7, result.refits.length - 1]) {
      const date = result.refits[k].date
      const cold = fitDixonColes(data, {
        asOf: dateOfDayNumber(dayNumberOf(date) - 1),
        from: yearsBefore(date, 3),
        xi: 0.0019,
      })
      const row = result.rows.find((r) => r.date === date) as BacktestRow
      const t = (n: string) => cold.teams.find((x) => x.name === n)!
      const p = outcomeProbabilities(
        Math.exp(cold.homeAdvantage + t(row.home).attack + t(row.away).defence),
        Math.exp(t(row.away).attack + t(row.home).defence),
        cold.rho,
      )
      for (let j = 0; j < 3; j++) expect(row.model![j]).toBeCloseTo(p[j], 9)
      expect(result.refits[k].fit?.nMatches).toBe(cold.nMatches)
    }
  })

  it('metrics equal a direct recomputation on the rows (same matches for all four)', () => {
    const scored = result.rows.filter((r) => r.model && r.market)
    expect(result.nScored).toBe(scored.length)
    const ys = scored.map((r) => r.result)
    for (const key of ['model', 'market', 'blend', 'calibrated'] as const) {
      const preds = scored.map((r) => r[key] as Triple)
      expect(result.metrics[key]).toEqual(summarise(preds, ys))
      // Independent arithmetic for RPS, Brier and log loss.
      let rps = 0
      let brier = 0
      let ll = 0
      preds.forEach((p, i) => {
        const o = [0, 0, 0]
        o['HDA'.indexOf(ys[i])] = 1
        const c1 = p[0] - o[0]
        const c2 = c1 + p[1] - o[1]
        rps += (c1 * c1 + c2 * c2) / 2
        brier += (p[0] - o[0]) ** 2 + (p[1] - o[1]) ** 2 + (p[2] - o[2]) ** 2
        ll -= Math.log(p['HDA'.indexOf(ys[i])])
      })
      const m = result.metrics[key]!
      expect(m.n).toBe(scored.length)
      expect(m.rps).toBeCloseTo(rps / preds.length, 12)
      expect(m.brier).toBeCloseTo(brier / preds.length, 12)
      expect(m.log_loss).toBeCloseTo(ll / preds.length, 12)
    }
    // The market is built from the true probabilities: it should beat a model fitted on noisy results.
    expect(result.metrics.market!.rps).toBeLessThan(result.metrics.model!.rps + 0.01)
  })

  it('market probabilities are the chosen odds with the named margin method', () => {
    const shin = walkForward(matches, { from: FROM, minHistory: 30 })
    const mult = walkForward(matches, { from: FROM, minHistory: 30, margin: 'multiplicative' })
    const first = matches.find((m) => m.date >= FROM)!
    const row = (r: typeof shin) => r.rows.find((x) => x.home === first.home && x.date === first.date)!
    expect(shin.options.margin).toBe('shin')
    expect(row(shin).market).toEqual(removeMargin(first.odds!, 'shin').probabilities)
    expect(row(mult).market).toEqual(removeMargin(first.odds!, 'multiplicative').probabilities)
  })

  it('fits α and the calibrator only on earlier dates, after minHistory rows; before that blend = market, calibrated = blend', () => {
    let before = 0
    const ungated = walkForward(matches, { from: FROM, minHistory: 30, gate: false })
    expect(ungated.gates).toBeNull()
    const dates = [...new Set(ungated.rows.map((r) => r.date))]
    for (const date of dates) {
      const refit = ungated.refits.find((r) => r.date === date)!
      const rows = ungated.rows.filter((r) => r.date === date)
      const history = ungated.rows.filter((r) => r.date < date)
      if (before < 30) {
        expect(refit.alpha).toBeNull()
        for (const r of rows) {
          expect(r.blend).toEqual(r.market)
          expect(r.calibrated).toEqual(r.blend)
          expect(r.alpha).toBe(0)
        }
      } else {
        expect(refit.calibrationRows).toBe(history.length)
        // α is the log-loss-optimal weight on exactly the earlier rows (model/blend's own fit agrees).
        const ref = fitBlendWeight(
          history.map((r) => r.model!),
          history.map((r) => r.market!),
          history.map((r) => r.result),
          'log',
        )
        expect(refit.alpha!).toBeCloseTo(ref.alpha, 6)
        for (const r of rows) {
          expect(r.alpha).toBe(refit.alpha)
          expect(r.blend).toEqual(applyBlend({ kind: 'log', alpha: refit.alpha! }, r.model!, r.market!))
        }
      }
      before += rows.length
    }
    expect(ungated.final.alpha).not.toBeNull()
    expect(ungated.final.calibrator?.kind).toBe('temperature')
  })

  it('gates each stage by a one-sided sequential test on its paired out-of-sample RPS: served only while the e-value is ≥ 1/0.05 (#22)', () => {
    // Recomputed here from the ungated run's α, date by date (prequential evidence), with the betting
    // e-process written out: d = RPS(market) − RPS(candidate), λ = μ̂/(σ̂² + μ̂²) from earlier d (one
    // pseudo-observation at 0 and at variance 0.01) clipped to [0, 1/(2B)], wealth = min(200, wealth·(1 + λd)).
    const gated = walkForward(matches, { from: FROM, minHistory: 30 })
    const ungated = walkForward(matches, { from: FROM, minHistory: 30, gate: false })
    const dates = [...new Set(gated.rows.map((r) => r.date))]
    let blendCandidate = 0
    let market = 0
    let evidenceRows = 0
    let wealth = 1
    let n = 0
    let mean = 0
    let m2 = 0
    let decisions = 0
    let served = 0
    for (const date of dates) {
      const refit = gated.refits.find((r) => r.date === date)!
      const shouldServe = evidenceRows >= 30 && wealth >= 20
      expect(refit.blendServed, date).toBe(shouldServe)
      if (refit.alpha !== null) decisions++
      for (const r of gated.rows.filter((x) => x.date === date)) {
        expect(r.blend).toEqual(
          shouldServe && refit.alpha
            ? applyBlend({ kind: 'log', alpha: refit.alpha }, r.model!, r.market!)
            : r.market,
        )
        expect(r.alpha).toBe(shouldServe ? refit.alpha : 0)
        if (shouldServe) served++
        if (!refit.calibratorServed) expect(r.calibrated).toEqual(r.blend)
        else expect(r.calibrated).not.toEqual(r.blend)
        if (refit.alpha !== null) {
          const candidate =
            refit.alpha === 0
              ? r.market!
              : applyBlend({ kind: 'log', alpha: refit.alpha }, r.model!, r.market!)
          blendCandidate += rps(candidate, r.result)
          market += rps(r.market!, r.result)
          evidenceRows++
          const bound = Math.max(
            ...(['H', 'D', 'A'] as const).map((o) => Math.abs(rps(r.market!, o) - rps(candidate, o))),
          )
          if (bound > 1e-15) {
            const d = rps(r.market!, r.result) - rps(candidate, r.result)
            const mu = (mean * n) / (n + 1)
            const lambda = mu > 0 ? Math.min(1 / (2 * bound), mu / ((0.01 + m2) / (n + 1) + mu * mu)) : 0
            wealth = Math.min(200, wealth * (1 + lambda * d))
            n++
            const delta = d - mean
            mean += delta / n
            m2 += delta * (d - mean)
          }
        }
      }
      // α is fitted whatever the gate says (the shadow forecast needs it): the same α as without gates.
      expect(refit.alpha).toBe(ungated.refits.find((r) => r.date === date)!.alpha)
    }
    expect(evidenceRows).toBe(gated.gates!.blend.rows)
    expect(blendCandidate / evidenceRows).toBeCloseTo(gated.gates!.blend.candidateRps!, 12)
    expect(market / evidenceRows).toBeCloseTo(gated.gates!.blend.baseRps!, 12)
    expect(wealth).toBeCloseTo(gated.gates!.blend.eValue, 9)
    expect(gated.gates!.blend.level).toBe(0.05)
    // the walk-forward logs how many scored matches each stage was served for
    expect(gated.gates!.blend.servedMatches).toBe(served)
    expect(gated.gates!.calibration.servedMatches).toBe(
      gated.rows.filter((r) => r.model && gated.refits.find((x) => x.date === r.date)!.calibratorServed)
        .length,
    )
    // the gate had a decision to make on this data
    expect(decisions).toBeGreaterThan(10)
    // final: α only when the blend has earned its place, and a calibrator only when the calibration has
    expect(gated.final.alpha).toBe(gated.gates!.blend.open ? ungated.final.alpha : 0)
    expect(gated.final.calibrator === null).toBe(!gated.gates!.calibration.open)
  })

  it('a warm-up before `from` feeds α, the calibrator and the gates but is neither returned nor scored', () => {
    const warm = walkForward(matches, { from: FROM, minHistory: 30, warmUpFrom: yearsBefore(FROM, 1) })
    const plain = walkForward(matches, { from: FROM, minHistory: 30 })
    expect(warm.rows.map((r) => `${r.date} ${r.home}`)).toEqual(plain.rows.map((r) => `${r.date} ${r.home}`))
    expect(warm.refits.map((r) => r.date)).toEqual(plain.refits.map((r) => r.date))
    // the model does not depend on the warm-up; α does: it is fitted from the first scored date on
    // (up to the solver's tolerance: the warm starts chain from an earlier date)
    const drift = warm.rows.map((r, i) =>
      Math.max(...r.model!.map((p, k) => Math.abs(p - plain.rows[i].model![k]))),
    )
    expect(Math.max(...drift)).toBeLessThan(1e-6)
    expect(warm.refits[0].alpha).not.toBeNull()
    expect(plain.refits[0].alpha).toBeNull()
    expect(warm.gates!.blend.rows).toBeGreaterThan(plain.gates!.blend.rows)
    expect(warm.nScored).toBe(plain.nScored)
    expect(() => walkForward(matches, { from: FROM, warmUpFrom: '2030-01-01' })).toThrow(/warmUpFrom/)
  })

  it('skips and records matches of a team without history; a match without odds is scored only by the model', () => {
    const newcomer = matches.map((m, i) => {
      if (m.date >= FROM && m.home === 'Team 01') return { ...m, home: 'Newcomer FC' }
      if (i === matches.length - 1) return { ...m, odds: null }
      return m
    })
    const r = walkForward(newcomer, { from: FROM, minHistory: 30 })
    const first = r.rows.find((x) => x.home === 'Newcomer FC')!
    expect(first.model).toBeNull()
    expect(first.blend).toBeNull()
    expect(first.market).not.toBeNull()
    expect(first.skipReason).toMatch(/no rating for Newcomer FC/)
    expect(r.skipped.teams).toEqual(['Newcomer FC'])
    expect(r.skipped.noModel).toBeGreaterThanOrEqual(1)
    // Once it has played (and scored and conceded), later dates rate it.
    expect(r.rows.filter((x) => x.home === 'Newcomer FC').some((x) => x.model !== null)).toBe(true)
    const last = matches[matches.length - 1]
    const noOdds = r.rows.find((x) => x.date === last.date && x.away === last.away)!
    expect(noOdds.market).toBeNull()
    expect(noOdds.blend).toEqual(noOdds.model)
    expect(r.skipped.noMarket).toBe(1)
    expect(r.nScored).toBe(r.rows.filter((x) => x.model && x.market).length)
  })

  it('rates a team whose matches make the MLE non-existent (has not scored yet) from the promoted-team prior (#20)', () => {
    const start = matches.filter((m) => m.date < FROM)
    const d0 = matches.find((m) => m.date >= FROM)!.date
    // A newcomer loses 0-2 on the first date, then plays again later.
    const extra: BacktestMatch[] = [
      { date: d0, home: 'Team 02', away: 'Blank FC', homeGoals: 2, awayGoals: 0, odds: [1.5, 4, 6] },
    ]
    const later = matches.filter((m) => m.date > d0)
    const laterDate = later[0].date
    extra.push({
      date: laterDate,
      home: 'Blank FC',
      away: 'Team 03',
      homeGoals: 1,
      awayGoals: 1,
      odds: [3, 3.3, 2.3],
    })
    const r = walkForward([...start, ...matches.filter((m) => m.date === d0), ...later, ...extra], {
      from: FROM,
      minHistory: 30,
    })
    const refit = r.refits.find((x) => x.date === laterDate)!
    expect(refit.fit).not.toBeNull()
    // before #20 it was left out and its match skipped; now the prior gives it a rating and a forecast
    expect(refit.fit!.excludedTeams).toEqual([])
    expect(r.rows.find((x) => x.home === 'Blank FC')!.model).not.toBeNull()
    expect(r.rows.filter((x) => x.date === laterDate).every((x) => x.model)).toBe(true)
  })

  it('league: predicts only that division while every match still trains the model', () => {
    const tagged = matches.map((m) => ({ ...m, league: m.home <= 'Team 06' ? 'X' : 'Y' }))
    const r = walkForward(tagged, { from: FROM, minHistory: 30, league: 'X' })
    expect(r.rows.length).toBe(tagged.filter((m) => m.date >= FROM && m.league === 'X').length)
    expect(r.rows.every((x) => x.home <= 'Team 06')).toBe(true)
    const all = walkForward(matches, { from: FROM, minHistory: 30 })
    for (const row of r.rows) {
      const same = all.rows.find((x) => x.date === row.date && x.home === row.home)!
      expect(row.model).toEqual(same.model)
    }
    expect(() => walkForward(tagged, { from: FROM, league: 'Z' })).toThrow(/No Z match between/)
  })

  it('modelOnly skips market, blend and calibration', () => {
    const r = walkForward(matches, { from: FROM, modelOnly: true })
    expect(r.metrics.market).toBeNull()
    expect(r.metrics.blend).toBeNull()
    expect(r.rows.every((x) => x.market === null && x.blend === null)).toBe(true)
    expect(r.metrics.model).toEqual(result.metrics.model)
  })

  it('rejects bad options and empty periods with typed errors', () => {
    const code = (fn: () => unknown) => {
      try {
        fn()
      } catch (e) {
        return (e as { code?: string }).code
      }
      return 'no error'
    }
    expect(code(() => walkForward(matches, { from: '2022/08/01' }))).toBe('MODEL_BAD_INPUT')
    expect(code(() => walkForward(matches, { from: FROM, to: '2021-01-01' }))).toBe('MODEL_BAD_INPUT')
    expect(code(() => walkForward(matches, { from: FROM, xi: -1 }))).toBe('MODEL_BAD_INPUT')
    expect(code(() => walkForward(matches, { from: FROM, windowYears: 0 }))).toBe('MODEL_BAD_INPUT')
    expect(code(() => walkForward(matches, { from: FROM, margin: 'bogus' as never }))).toBe('MODEL_BAD_INPUT')
    expect(code(() => walkForward(matches, { from: '2030-01-01' }))).toBe('MODEL_NO_DATA')
    expect(code(() => walkForward([], { from: FROM }))).toBe('MODEL_NO_DATA')
    // The very first date has no history: recorded, not thrown.
    const r = walkForward(matches, { from: '2000-01-01', to: matches[0].date })
    expect(r.refits[0].fit).toBeNull()
    expect(r.refits[0].error).toMatch(/No matches/)
    expect(r.rows.every((x) => x.model === null && /no model before/.test(x.skipReason ?? ''))).toBe(true)
    expect(r.metrics.model).toBeNull()
  })
})

describe('PoolWeightFitter', () => {
  it('agrees with model/blend fitBlendWeight for both pools (interior and boundary optima)', () => {
    const r = walkForward(matches, { from: FROM, minHistory: 30 })
    const model = r.rows.map((x) => x.model!)
    const market = r.rows.map((x) => x.market!)
    const ys = r.rows.map((x) => x.result)
    const flat: Triple[] = model.map(() => [1 / 3, 1 / 3, 1 / 3])
    for (const kind of ['linear', 'log'] as const) {
      for (const [m, k] of [
        [model, market],
        [market, model],
        [flat, market],
        [market, flat],
      ]) {
        const f = new PoolWeightFitter(kind)
        m.forEach((p, i) => f.add(p, k[i], ys[i]))
        expect(f.fit()).toBeCloseTo(fitBlendWeight(m, k, ys, kind).alpha, 6)
      }
    }
  })
})

describe('fitTemperatureFast', () => {
  it('agrees with model/calibration fitTemperature (interior, sharpening, softening and flat cases)', () => {
    const r = walkForward(matches, { from: FROM, minHistory: 30 })
    const ys = r.rows.map((x) => x.result)
    const model = r.rows.map((x) => x.model!)
    const sharpen = (p: Triple, k: number): Triple => {
      const w = p.map((x) => x ** k)
      const s = w[0] + w[1] + w[2]
      return [w[0] / s, w[1] / s, w[2] / s]
    }
    const cases: Triple[][] = [
      model,
      model.map((p) => sharpen(p, 3)),
      model.map((p) => sharpen(p, 0.3)),
      model.map((): Triple => [1 / 3, 1 / 3, 1 / 3]),
      r.rows.map((x, i): Triple =>
        i % 2 ? [1, 0, 0] : ['H', 'D', 'A'].indexOf(x.result) === 0 ? [1, 0, 0] : [0.2, 0.4, 0.4],
      ),
    ]
    for (const preds of cases) {
      const fast = fitTemperatureFast(preds, ys)
      const ref = fitTemperature(preds, ys)
      expect(fast.temperature).toBeCloseTo(ref.temperature, 5)
      expect(fast.logLossAfter).toBeCloseTo(ref.logLossAfter, 10)
      expect(fast.logLossBefore).toBeCloseTo(ref.logLossBefore, 12)
      expect(fast.floor).toBe(ref.floor)
      expect(fast.n).toBe(ref.n)
    }
  })
})

describe('selectXi', () => {
  it('returns the grid point with the lowest walk-forward RPS, through an injectable map', async () => {
    const grid = [0, 0.002, 0.01]
    const seen: XiTask[][] = []
    const sel = await selectXi(matches, { from: FROM }, grid, async (tasks) => {
      seen.push(tasks)
      return tasks.map(runXiTask)
    })
    expect(seen).toHaveLength(1)
    expect(seen[0].map((t) => t.options.xi)).toEqual(grid)
    // Tasks are plain data (structured-clone safe, e.g. for worker threads).
    expect(structuredClone(seen[0][0])).toEqual(seen[0][0])
    expect(sel.grid.map((g) => g.xi)).toEqual(grid)
    const best = Math.min(...sel.grid.map((g) => g.rps!))
    expect(sel.rps).toBe(best)
    expect(sel.grid.find((g) => g.xi === sel.xi)!.rps).toBe(best)
    const direct = walkForward(matches, { from: FROM, xi: sel.xi })
    expect(direct.metrics.model!.rps).toBe(sel.rps)
  })

  it('uses what the map returns (ties go to the smaller xi) and validates the grid', async () => {
    const fake = async (tasks: XiTask[]) =>
      tasks.map((t) => ({
        xi: t.options.xi,
        rps: t.options.xi === 0.001 || t.options.xi === 0.003 ? 0.1 : 0.2,
        log_loss: 1,
        n: 5,
      }))
    const sel = await selectXi(matches, { from: FROM }, [0, 0.003, 0.001, 0.005], fake)
    expect(sel.xi).toBe(0.001)
    await expect(selectXi(matches, { from: FROM }, [])).rejects.toMatchObject({ code: 'MODEL_BAD_INPUT' })
    await expect(selectXi(matches, { from: FROM }, [-1])).rejects.toMatchObject({ code: 'MODEL_BAD_INPUT' })
    expect(DEFAULT_XI_GRID).toContain(0.0019)
  })
})

describe.skipIf(!dataDir)(
  `walk-forward on real EPL seasons ${dataDir ? '' : SHARED_DATA_SKIP_REASON}`,
  () => {
    it('EPL 2023-24 with three prior seasons: sensible model and market scores, Luton’s debut skipped', async () => {
      const { readFootballDataFile, selectMarketOdds } = await import('../../services/data/csv')
      const rows: BacktestMatch[] = []
      for (const s of ['2020-21', '2021-22', '2022-23', '2023-24']) {
        const file = await readFootballDataFile(`${dataDir}/E0/E0_${s}.csv`)
        for (const r of file.rows) {
          const o = selectMarketOdds(r)
          rows.push({
            date: r.date,
            home: r.home,
            away: r.away,
            homeGoals: r.homeGoals as number,
            awayGoals: r.awayGoals as number,
            odds: o ? [o.home, o.draw, o.away] : null,
          })
        }
      }
      const r = walkForward(rows, { from: '2023-08-01', to: '2024-06-30' })
      expect(r.rows).toHaveLength(380)
      expect(r.skipped.teams).toEqual(['Luton'])
      expect(r.skipped.noModel).toBe(1)
      expect(r.nScored).toBe(379)
      expect(r.refits.every((x) => x.fit?.converged)).toBe(true)
      const { model, market } = r.metrics
      expect(model!.rps).toBeGreaterThan(0.17)
      expect(model!.rps).toBeLessThan(0.21)
      expect(market!.rps).toBeLessThan(model!.rps)
      expect(r.iterations / r.refits.length).toBeLessThan(5)
    })
  },
)
