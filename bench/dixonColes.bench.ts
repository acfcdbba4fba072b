// Dixon-Coles fit benchmarks: one EPL season from scratch, ten seasons with time decay, and a
// warm-started refit after one more matchweek. `npx tsx bench/dixonColes.bench.ts` prints a table;
// `run()` returns the rows for bench/run.ts. Real CSVs are read in place from ../shared/data; without
// them the same shapes are simulated (noted in each row).

import { CholeskyDecomposition, Matrix } from 'ml-matrix'
import { footballDataDir } from '../test/support/sharedData'
import {
  fitDixonColes,
  toMatchArrays,
  type FitOptions,
  type MatchArrays,
  type MatchInput,
} from '../main/model/dixonColes'
import { fitDixonColesDetailed } from '../main/model/dixonColes/fit'
import { logLikelihoodDerivatives } from '../main/model/dixonColes/likelihood'
import { SpdSolver } from '../main/model/dixonColes/linalg'
import { readSeasons } from '../main/model/dixonColes/testData'
import { randomTeams, simulateLeague } from '../main/model/simulate/simulateLeague'
import { type BenchResult, isMain, printResults, timeMedian } from './support'

const round = (x: number) => Math.round(x * 1000) / 1000

const TEN_SEASONS = [
  '2014-15',
  '2015-16',
  '2016-17',
  '2017-18',
  '2018-19',
  '2019-20',
  '2020-21',
  '2021-22',
  '2022-23',
  '2023-24',
]

function loadData(): { one: MatchInput[]; ten: MatchInput[]; source: string } {
  const dir = footballDataDir()
  if (dir) {
    return {
      one: readSeasons(dir, 'E0', ['2023-24']),
      ten: readSeasons(dir, 'E0', TEN_SEASONS),
      source: 'E0 CSVs',
    }
  }
  // Fallback with the same shape: 20 teams, 380 matches a season (no promotion, so slightly easier).
  const teams = randomTeams(20, 2024)
  const sim = (seasons: number, startDate: string) =>
    simulateLeague({ teams, homeAdvantage: 0.25, rho: -0.1, seasons, seed: 1, startDate })
  return { one: sim(1, '2023-08-11'), ten: sim(10, '2014-08-16'), source: 'simulated (CSVs absent)' }
}

/** The data as of one week before its last match date (the "previous matchweek" of a refit). */
function weekBefore(data: MatchArrays): string {
  const last = Math.max(...data.dayNumber)
  return new Date((last - 7) * 86_400_000).toISOString().slice(0, 10)
}

export async function run(): Promise<BenchResult[]> {
  const rows: BenchResult[] = []
  const { one, ten, source } = loadData()
  const oneArrays = toMatchArrays(one)
  const tenArrays = toMatchArrays(ten)

  const bench = (
    name: string,
    data: MatchArrays,
    opts: FitOptions,
    runs: number,
    target?: number,
    extra = '',
  ) => {
    const model = fitDixonColes(data, opts)
    const ms = timeMedian(() => fitDixonColes(data, opts), runs, 20)
    rows.push({
      name,
      median_ms: round(ms),
      runs,
      target_ms: target,
      note:
        `${source}; ${model.nMatches} matches, ${model.nTeams} teams, ${model.iterations} Newton steps, ` +
        `|grad| ${model.gradientNorm.toExponential(1)}${extra}`,
    })
    return { model, ms }
  }

  const cold1 = bench('fit 1 season (E0 2023-24) from scratch', oneArrays, {}, 200, 1)
  const cold10 = bench('fit 10 seasons (E0 2014-24), xi = 0.0019', tenArrays, { xi: 0.0019 }, 50, 15)

  // Warm refits: the fit as of a week earlier seeds the fit with the latest matchweek added.
  const prev1 = fitDixonColes(oneArrays, { asOf: weekBefore(oneArrays) })
  bench(
    'refit 1 season + 1 matchweek, warm start',
    oneArrays,
    { warmStart: prev1 },
    200,
    undefined,
    `; cold ${round(cold1.ms)} ms`,
  )
  const prev10 = fitDixonColes(tenArrays, { xi: 0.0019, asOf: weekBefore(tenArrays) })
  bench(
    'refit 10 seasons + 1 matchweek, warm start',
    tenArrays,
    { xi: 0.0019, warmStart: prev10 },
    50,
    undefined,
    `; cold ${round(cold10.ms)} ms`,
  )

  // Linear algebra of one Newton step + SEs on the one-season system: hand-rolled Cholesky vs ml-matrix
  // (the baseline that motivated it), on the real −Hessian at the optimum.
  const detailed = fitDixonColesDetailed(oneArrays, {})
  const stats = detailed.prepared.stats
  const P = 2 * stats.nTeams + 2
  const grad = new Float64Array(P)
  const hess = new Float64Array(P * P)
  logLikelihoodDerivatives(stats, detailed.theta, grad, hess)
  const free = detailed.freeIndices
  const m = free.length
  // Negative Hessian restricted to the free coordinates (α_K−1 kept out: a PD m×m block is enough here).
  const A = new Float64Array(m * m)
  const rhs = new Float64Array(m)
  for (let r = 0; r < m; r++) {
    rhs[r] = grad[free[r]] + 1
    for (let c = 0; c < m; c++) A[r * m + c] = -hess[free[r] * P + free[c]]
  }
  const solver = new SpdSolver(m)
  const out = new Float64Array(m)
  const handRolled = timeMedian(
    () => {
      solver.factor(A)
      solver.solve(rhs, out)
      return solver.inverse()
    },
    200,
    20,
  )
  const rows2d = Array.from({ length: m }, (_, r) => Array.from(A.subarray(r * m, (r + 1) * m)))
  const mlMatrix = timeMedian(
    () => {
      const chol = new CholeskyDecomposition(new Matrix(rows2d))
      chol.solve(Matrix.columnVector(Array.from(rhs)))
      return chol.solve(Matrix.eye(m))
    },
    50,
    20,
  )
  rows.push({
    name: `Cholesky factor + solve + inverse, m = ${m} (hand-rolled)`,
    median_ms: round(handRolled),
    runs: 200,
    note: `ml-matrix baseline in this run: ${round(mlMatrix)} ms (×${(mlMatrix / handRolled).toFixed(1)})`,
  })
  rows.push({
    name: `Cholesky factor + solve + inverse, m = ${m} (ml-matrix baseline)`,
    median_ms: round(mlMatrix),
    runs: 50,
  })

  const convert = timeMedian(() => toMatchArrays(ten), 50, 5)
  rows.push({
    name: 'toMatchArrays, 10 seasons (not included above)',
    median_ms: round(convert),
    runs: 50,
    note: `${ten.length} match objects → typed arrays`,
  })
  return rows
}

if (isMain(import.meta.url)) printResults(await run())
