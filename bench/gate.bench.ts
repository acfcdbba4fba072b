// The stage gate on simulated seasons (#22, main/model/backtest/gateSimulation.ts): how often it opens when the
// model carries no information beyond the market (target ≤ 5 % of 200 seasons), and how often it opens and by
// how much the served RPS improves on the market when the model does (the default informed scenario and a
// weaker edge), beside the rule before #22 (served once its earlier total RPS was lower) measured on the same
// seasons. `npm run bench -- gate` or `npx tsx bench/gate.bench.ts [seasons]`.
import {
  DEFAULT_HIDDEN_SD,
  simulateGateSeasons,
  type GateScenario,
  type GateSimulationSummary,
} from '../main/model/backtest/gateSimulation'
import { GATE_LEVEL } from '../main/model/backtest/stageGate'
import { type BenchResult, isMain, printResults } from './support'

const SEASONS = Number(
  process.env.SCORELINE_GATE_SEASONS ?? (isMain(import.meta.url) ? process.argv[2] : undefined) ?? 200,
)

const pct = (k: number, n: number) => `${k}/${n} = ${((100 * k) / n).toFixed(1)} %`

function row(name: string, s: GateSimulationSummary, ms: number, extra: string): BenchResult {
  const served = s.seasonResults.filter((r) => r.servedMatches.blend + r.servedMatches.calibration > 0)
  const meanServed = s.seasonResults.reduce((a, r) => a + r.servedMatches.blend, 0) / Math.max(1, s.seasons)
  return {
    name,
    median_ms: ms / s.seasons,
    runs: s.seasons,
    note:
      `gate opened ${pct(s.opened, s.seasons)} (level ${GATE_LEVEL}); served on a scored date in ${served.length}; ` +
      `blend served for ${meanServed.toFixed(0)} of ~380 matches on average; ` +
      `served − market RPS ${s.meanServedMinusMarket >= 0 ? '+' : ''}${s.meanServedMinusMarket.toFixed(5)} ` +
      `(served better in ${s.servedBetter}); rule before #22 opened ${s.lowerTotalOpened === null ? '—' : pct(s.lowerTotalOpened, s.seasons)}` +
      extra,
  }
}

export async function run(): Promise<BenchResult[]> {
  const cases: Array<{ name: string; scenario: GateScenario; hiddenSd?: number }> = [
    { name: 'no information (model = noisy copy of the market)', scenario: 'no-information' },
    { name: `informed (market misses ${DEFAULT_HIDDEN_SD} sd of each rating)`, scenario: 'informed' },
    { name: 'informed, weaker edge (0.15 sd hidden)', scenario: 'informed', hiddenSd: 0.15 },
  ]
  const out: BenchResult[] = []
  for (const c of cases) {
    const t0 = performance.now()
    const s = simulateGateSeasons(c.scenario, SEASONS, 1, { hiddenSd: c.hiddenSd, compareLowerTotal: true })
    const ms = performance.now() - t0
    const edge = s.seasonResults.reduce((a, r) => a + r.rps.market - r.rps.model, 0) / s.seasons
    out.push(row(`${c.name}, ${SEASONS} seasons`, s, ms, `; model beats market by ${edge.toFixed(4)} RPS`))
  }
  return out
}

if (isMain(import.meta.url)) printResults(await run())
