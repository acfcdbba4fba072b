import { describe, expect, it } from 'vitest'
import { rps, type OutcomeLetter, type Triple } from '../metrics'
import { mulberry32, normal } from '../simulate/simulateLeague'
import {
  addPairedRps,
  agrapaBet,
  emptyBetStatistics,
  GATE_LEVEL,
  GATE_WEALTH_CAP,
  gateThreshold,
  rpsDifferenceBound,
  startPairedRpsEProcess,
  type PairedRpsEProcess,
} from './pairedRpsEProcess'
import { StageGate } from './stageGate'

const OUTCOMES: OutcomeLetter[] = ['H', 'D', 'A']

function draw(p: Triple, rng: () => number): OutcomeLetter {
  const u = rng()
  return u < p[0] ? 'H' : u < p[0] + p[1] ? 'D' : 'A'
}

function randomTriple(rng: () => number): Triple {
  const home = 0.25 + 0.4 * rng()
  const draw = 0.2 + 0.1 * rng()
  return [home, draw, 1 - home - draw]
}

function perturb(p: Triple, sd: number, rng: () => number): Triple {
  const w = p.map((x) => x * Math.exp(sd * normal(rng)))
  const s = w[0] + w[1] + w[2]
  return [w[0] / s, w[1] / s, w[2] / s]
}

/** One sequence of `n` matches: the base is `base(truth)`, the candidate `candidate(truth)`; outcomes from truth. */
function sequence(
  seed: number,
  n: number,
  forecasts: (truth: Triple, rng: () => number) => { candidate: Triple; base: Triple },
): PairedRpsEProcess[] {
  const rng = mulberry32(seed)
  let s = startPairedRpsEProcess()
  const path = [s]
  for (let i = 0; i < n; i++) {
    const truth = randomTriple(rng)
    const { candidate, base } = forecasts(truth, rng)
    s = addPairedRps(s, candidate, base, draw(truth, rng))
    path.push(s)
  }
  return path
}

describe('paired-RPS betting e-process', () => {
  it('bounds the difference any result can make, before the result', () => {
    const rng = mulberry32(3)
    for (let i = 0; i < 200; i++) {
      const a = randomTriple(rng)
      const b = perturb(a, 0.3, rng)
      const bound = rpsDifferenceBound(a, b)
      for (const o of OUTCOMES) expect(Math.abs(rps(a, o) - rps(b, o))).toBeLessThanOrEqual(bound + 1e-15)
    }
    expect(rpsDifferenceBound([0.5, 0.3, 0.2], [0.5, 0.3, 0.2])).toBe(0)
    // identical forecasts carry no evidence
    const s = addPairedRps(startPairedRpsEProcess(), [0.5, 0.3, 0.2], [0.5, 0.3, 0.2], 'H')
    expect(s).toEqual(startPairedRpsEProcess())
  })

  it('bets nothing without positive evidence, and never more than 1/(2·bound)', () => {
    expect(agrapaBet(emptyBetStatistics(), 0.1)).toBe(0)
    expect(agrapaBet({ n: 50, mean: -0.01, m2: 0.2 }, 0.1)).toBe(0)
    expect(agrapaBet({ n: 50, mean: 0.01, m2: 0.2 }, 0.1)).toBeGreaterThan(0)
    expect(agrapaBet({ n: 5000, mean: 0.5, m2: 0.01 }, 1)).toBe(0.5)
  })

  it('under the null (candidate = a noisy copy of the true forecast) exceeds 1/0.05 at ANY of 600 looks in at most 5 % of 400 sequences', () => {
    let rejected = 0
    for (let seed = 1; seed <= 400; seed++) {
      const path = sequence(seed, 600, (truth, rng) => ({ base: truth, candidate: perturb(truth, 0.1, rng) }))
      if (path.some((s) => s.wealth >= gateThreshold())) rejected++
      expect(path[path.length - 1].maxWealth).toBe(Math.max(...path.map((s) => s.wealth)))
    }
    expect(GATE_LEVEL).toBe(0.05)
    expect(rejected / 400).toBeLessThanOrEqual(0.05)
  })

  it('with a real edge (the base is the noisy one) reaches the threshold; wealth never exceeds the cap', () => {
    let rejected = 0
    for (let seed = 1; seed <= 20; seed++) {
      const path = sequence(seed, 1000, (truth, rng) => ({
        base: perturb(truth, 0.4, rng),
        candidate: truth,
      }))
      if (path.some((s) => s.wealth >= gateThreshold())) rejected++
      expect(Math.max(...path.map((s) => s.wealth))).toBeLessThanOrEqual(GATE_WEALTH_CAP)
    }
    expect(rejected).toBeGreaterThanOrEqual(18)
  })

  it('forgets: a stage at the cap that starts losing drops below the threshold within a few hundred matches', () => {
    const rng = mulberry32(11)
    let s = startPairedRpsEProcess()
    let i = 0
    for (; i < 3000 && s.wealth < GATE_WEALTH_CAP; i++) {
      const truth = randomTriple(rng)
      s = addPairedRps(s, truth, perturb(truth, 0.4, rng), draw(truth, rng))
    }
    expect(s.wealth).toBe(GATE_WEALTH_CAP)
    let lost = 0
    for (; lost < 3000 && s.wealth >= gateThreshold(); lost++) {
      const truth = randomTriple(rng)
      s = addPairedRps(s, perturb(truth, 0.4, rng), truth, draw(truth, rng))
    }
    expect(s.wealth).toBeLessThan(gateThreshold())
    expect(lost).toBeLessThan(600)
  })
})

describe('StageGate', () => {
  it('opens at e-value ≥ 1/level after minRows rows, counts served matches, and is deterministic', () => {
    const run = () => {
      const gate = new StageGate(50)
      const rng = mulberry32(5)
      const opened: boolean[] = []
      for (let i = 0; i < 800; i++) {
        const truth = randomTriple(rng)
        gate.add(truth, perturb(truth, 0.4, rng), draw(truth, rng))
        opened.push(gate.open)
        if (gate.open) gate.countServed()
      }
      return { opened, evidence: gate.evidence }
    }
    const a = run()
    expect(run()).toEqual(a)
    expect(a.opened.slice(0, 49).some(Boolean)).toBe(false)
    expect(a.evidence.open).toBe(a.evidence.eValue >= 20)
    expect(a.evidence.servedMatches).toBe(a.opened.filter(Boolean).length)
    expect(a.evidence.servedMatches).toBeGreaterThan(0)
    expect(a.evidence.level).toBe(0.05)
  })
})
