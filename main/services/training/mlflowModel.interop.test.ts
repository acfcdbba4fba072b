/**
 * The champion as a real MLflow Model (#21): a pipeline run on simulated data registers a champion on the MLflow
 * server; MLflow's own Python client loads `models:/<name>@champion` with `mlflow.pyfunc.load_model` and its
 * predictions equal `scoreline predict --league` (the app's CLI and dispatch) to 1e-9 on every number, with and
 * without odds; `scoreline predict --model` takes the model JSON exactly as MLflow stores it. The same pyfunc
 * with other stages (margin methods, pools, calibrators) equals `predict --model` on the edited file.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { runCli } from '../../../test/support/cli'
import { removeByPrefix, testNamePrefix } from '../../../test/support/mlflowHygiene'
import { describeWithService, servicesRequired } from '../../../test/support/services'
import { haveMlflowPython, mlflowPython } from '../../../test/support/mlflowPython'
import { predictFixture, type FittedModel } from '../../model/dixonColes'
import type { PredictedFixture, PredictOutput } from '../../cli/commands/predict'
import { openAppDatabase } from '../data/db'
import { MlflowClient } from '../tracking/mlflowClient'
import { experimentNameOf } from './pipeline'
import { registeredModelName } from '../tracking'
import type { ModelArtifact } from './artifacts'
import { importSimulatedLeagues } from './testing/simulatedStore'

const here = path.dirname(fileURLToPath(import.meta.url))
const python = mlflowPython
const havePython = haveMlflowPython()

type PyRow = Record<string, number | string | null> & { score_matrix: number[][] }

/** Largest |a − b| over every number the CLI and the pyfunc both give for the fixtures (and the stages agree). */
function maxDiff(cli: PredictedFixture[], py: PyRow[]): number {
  expect(py).toHaveLength(cli.length)
  let max = 0
  const d = (a: number, b: unknown) => {
    expect(typeof b).toBe('number')
    max = Math.max(max, Math.abs(a - (b as number)))
  }
  cli.forEach((c, i) => {
    const p = py[i]
    expect([p.home, p.away, p.stage]).toEqual([c.home, c.away, c.stage])
    d(c.lambda, p.lambda)
    d(c.mu, p.mu)
    d(c.p_home, p.served_home)
    d(c.p_draw, p.served_draw)
    d(c.p_away, p.served_away)
    d(c.model.home, p.model_home)
    d(c.model.draw, p.model_draw)
    d(c.model.away, p.model_away)
    d(c.over_2_5, p.over_2_5)
    d(c.btts, p.btts)
    for (const s of c.top_scores) d(s.p, p.score_matrix[s.home_goals][s.away_goals])
    if (c.market) {
      expect(p.margin_method).toBe(c.market.margin_method)
      d(c.market.probabilities.home, p.market_home)
      d(c.market.probabilities.draw, p.market_draw)
      d(c.market.probabilities.away, p.market_away)
    } else expect([p.market_home, p.market_draw, p.market_away]).toEqual([null, null, null])
  })
  return max
}

/** Every cell of the pyfunc's score matrix against the app's (same grid size). */
function matrixDiff(model: FittedModel, py: PyRow[]): number {
  let max = 0
  for (const p of py) {
    const m = predictFixture(model, String(p.home), String(p.away)).matrix
    expect(p.score_matrix.length).toBe(m.length)
    m.forEach((row, x) => row.forEach((v, y) => (max = Math.max(max, Math.abs(v - p.score_matrix[x][y])))))
  }
  return max
}

describeWithService('mlflow', 'the champion as an MLflow Model (pyfunc)', (uri) => {
  const league = `Py${randomBytes(3).toString('hex')}` // never a production name (test/support/mlflowHygiene.ts)
  const modelName = registeredModelName(league)
  const home = mkdtempSync(path.join(tmpdir(), 'scoreline-pyfunc-'))
  // the pipeline's experiments under this run's prefix, never the team's (#21 test hygiene)
  const prefix = testNamePrefix()
  const env = { SCORELINE_HOME: home, MLFLOW_TRACKING_URI: uri, SCORELINE_EXPERIMENT_PREFIX: prefix }
  const client = new MlflowClient({ trackingUri: uri })

  beforeAll(() => {
    const db = openAppDatabase(path.join(home, 'scoreline.sqlite'))
    importSimulatedLeagues(db, [{ code: league, teams: 10, seasons: 3, seed: 21 }])
    db.close()
  })

  afterAll(async () => {
    // the registered model, and this run's experiments with their runs
    await client.deleteRegisteredModel(modelName).catch(() => undefined)
    await removeByPrefix(uri, prefix)
    rmSync(home, { recursive: true, force: true })
  })

  it.skipIf(!havePython && !servicesRequired())(
    `models:/<name>@champion predicts as \`scoreline predict --league\` to 1e-9, with and without odds${havePython ? '' : ` (skipped: no ${python}; run scripts/mlflow-server.sh once)`}`,
    async () => {
      const run = await runCli(['pipeline', 'run', '--league', league, '--json'], env)
      expect(run.code, run.stderr).toBe(0)
      expect(JSON.parse(run.stdout).leagues[0]).toMatchObject({ league, decision: { promoted: true } })

      const champion = await client.getModelVersionByAlias(modelName, 'champion')
      expect(champion?.run_id).toBeTruthy()
      const championRun = await client.getRun(champion!.run_id!)
      const artifactUri = championRun.info.artifact_uri as string
      // SCORELINE_EXPERIMENT_PREFIX reached the CLI's pipeline: its run is in this run's experiment
      const experiment = await client.getExperimentByName(experimentNameOf(prefix))
      expect(championRun.info.experiment_id).toBe(experiment?.experiment_id)
      const files = (await client.listArtifacts(artifactUri, 'model')).map((e) => e.path).sort()
      expect(files).toEqual(
        ['MLmodel', 'code', 'conda.yaml', 'model.json', 'python_env.yaml', 'requirements.txt'].map(
          (f) => `model/${f}`,
        ),
      )
      const stored = Buffer.from(await client.downloadArtifact(artifactUri, 'model/model.json')).toString(
        'utf8',
      )
      const artifact = JSON.parse(stored) as ModelArtifact

      // 20 fixtures of the champion's teams: the first 10 without odds, the rest with odds
      const teams = artifact.model.teams.map((t) => t.name)
      const fixtures = Array.from({ length: 20 }, (_, i) => {
        const h = teams[i % teams.length]
        const a = teams[(i * 3 + 1 + Math.floor(i / teams.length)) % teams.length]
        const away = a === h ? teams[(i + 1) % teams.length] : a
        const odds = i < 10 ? null : [1.4 + 0.23 * (i - 10), 3.1 + 0.05 * (i % 4), 2.2 + 0.61 * (19 - i)]
        return { home: h, away, odds }
      })
      const args = fixtures.flatMap((f) => [
        '--fixture',
        `${f.home} v ${f.away}${f.odds ? ` @ ${f.odds.join(' ')}` : ''}`,
      ])
      const frame = fixtures.map((f) =>
        f.odds
          ? { home: f.home, away: f.away, odds_home: f.odds[0], odds_draw: f.odds[1], odds_away: f.odds[2] }
          : { home: f.home, away: f.away, odds_home: null, odds_draw: null, odds_away: null },
      )

      const viaLeague = await runCli(['predict', '--league', league, ...args, '--json'], env)
      expect(viaLeague.code, viaLeague.stderr).toBe(0)
      const cli = JSON.parse(viaLeague.stdout).fixtures as PredictOutput['fixtures']
      expect(cli.filter((f) => f.market !== null)).toHaveLength(10)

      // the model JSON exactly as MLflow stores it, and edited copies with other stages
      const file = (name: string, a: unknown) => {
        const p = path.join(home, name)
        writeFileSync(p, typeof a === 'string' ? a : JSON.stringify(a))
        return p
      }
      const variants: { name: string; artifact: ModelArtifact }[] = [
        {
          name: 'power-linear-temperature',
          artifact: {
            ...artifact,
            settings: { ...artifact.settings, margin_method: 'power' },
            blend: { kind: 'linear', alpha: 0.35 },
            calibrator: {
              kind: 'temperature',
              temperature: 1.3,
              floor: 1e-4,
              n: 100,
              logLossBefore: 1,
              logLossAfter: 1,
            },
          },
        },
        {
          name: 'additive-log-isotonic',
          artifact: {
            ...artifact,
            settings: { ...artifact.settings, margin_method: 'additive' },
            blend: { kind: 'log', alpha: 0.6 },
            calibrator: {
              kind: 'isotonic',
              interpolation: 'linear',
              outcomes: [
                { x: [0.1, 0.4, 0.7], y: [0.12, 0.38, 0.75] },
                { x: [0.2, 0.3], y: [0.22, 0.29] },
                { x: [0.05, 0.5, 0.9], y: [0.06, 0.47, 0.93] },
              ],
              floor: 1e-4,
              n: 100,
            },
          },
        },
        {
          name: 'multiplicative-unfitted',
          artifact: {
            ...artifact,
            settings: { ...artifact.settings, margin_method: 'multiplicative' },
            blend: { kind: 'log', alpha: null },
            calibrator: null,
          },
        },
      ]
      const storedFile = file('model.json', stored)
      const viaFile = await runCli(['predict', '--model', storedFile, ...args, '--json'], env)
      expect(viaFile.code, viaFile.stderr).toBe(0)
      const fromFile = JSON.parse(viaFile.stdout).fixtures as PredictOutput['fixtures']

      // MLflow's own client: the registered champion, and the edited copies as local MLflow Models
      const dirs = variants.map((v) => {
        const dir = path.join(home, v.name)
        execFileSync(
          python,
          [
            '-c',
            'import sys, mlflow, shutil; shutil.copytree(mlflow.artifacts.download_artifacts(sys.argv[1]), sys.argv[2])',
            `models:/${modelName}@champion`,
            dir,
          ],
          { env: { ...process.env, MLFLOW_TRACKING_URI: uri }, timeout: 120_000 },
        )
        file(path.join(v.name, 'model.json'), v.artifact)
        return dir
      })
      const out = execFileSync(python, [path.join(here, 'testing', 'pyfuncPredict.py')], {
        input: JSON.stringify({ models: [`models:/${modelName}@champion`, ...dirs], fixtures: frame }),
        env: { ...process.env, MLFLOW_TRACKING_URI: uri },
        encoding: 'utf8',
        timeout: 180_000,
        maxBuffer: 64 << 20,
      })
      const [py, ...pyVariants] = (JSON.parse(out) as { results: PyRow[][] }).results

      const diffs = {
        'pyfunc vs predict --league': maxDiff(cli, py),
        'pyfunc vs predict --model (stored JSON)': maxDiff(fromFile, py),
        'pyfunc score matrix vs the app': matrixDiff(artifact.model, py),
      } as Record<string, number>
      for (const [i, v] of variants.entries()) {
        const r = await runCli(
          ['predict', '--model', file(`${v.name}.json`, v.artifact), ...args, '--json'],
          env,
        )
        expect(r.code, r.stderr).toBe(0)
        diffs[`pyfunc vs predict --model (${v.name})`] = maxDiff(JSON.parse(r.stdout).fixtures, pyVariants[i])
      }
      expect(new Set(pyVariants.flatMap((rows) => rows.map((r) => r.stage)))).toEqual(
        new Set(['calibrated', 'model', 'market']),
      )
      const stages = `champion ${artifact.variant?.id ?? 'dixon-coles'}, α ${artifact.blend.alpha}, calibrator ${artifact.calibrator?.kind ?? 'none'}, margin ${String(artifact.settings.margin_method)}`
      console.log(`[pyfunc interop] ${stages}; max |difference| over 20 fixtures: ${JSON.stringify(diffs)}`)
      for (const v of Object.values(diffs)) expect(v).toBeLessThan(1e-9)
    },
    600_000,
  )
})
