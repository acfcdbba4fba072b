/**
 * The MLflow Model files a version is logged with (#21), and the pyfunc's edges without a server: a team without
 * a rating priced from the promoted-team prior as the app prices it, and a variant that can never be champion
 * refused by name. The registered-champion round trip is mlflowModel.interop.test.ts.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { servicesRequired } from '../../../test/support/services'
import { haveMlflowPython, mlflowPython } from '../../../test/support/mlflowPython'
import type { FittedModel } from '../../model/dixonColes'
import { priceFixture } from '../pricing/priceFixture'
import { championLeagueModel } from '../jackpots/leagueModel'
import type { ModelArtifact } from './artifacts'
import {
  logMlflowModel,
  MLFLOW_MODEL_TAG,
  mlflowModelFiles,
  PYFUNC_MODULE,
  readPyfuncResources,
} from './mlflowModel'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const python = mlflowPython
const havePython = haveMlflowPython()
const dir = mkdtempSync(path.join(tmpdir(), 'scoreline-mlmodel-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const team = (name: string, attack: number, defence: number, matches: number) => ({
  name,
  attack,
  defence,
  attackSe: null,
  defenceSe: null,
  matches,
})
const model: FittedModel = {
  model: 'dixon-coles',
  asOf: '2024-05-19',
  from: '2021-05-20',
  xi: 0.0019,
  teams: [
    team('Ash', 0.3, -0.2, 76),
    team('Birch', 0.1, 0.05, 76),
    team('Cedar', -0.25, 0.2, 40),
    team('Elm', -0.15, 0.1, 76),
  ],
  homeAdvantage: 0.27,
  homeAdvantageSe: null,
  rho: -0.08,
  rhoSe: null,
  logLikelihood: -500,
  nMatches: 134,
  nTeams: 4,
  iterations: 9,
  converged: true,
  gradientNorm: 1e-9,
  minTau: 0.8,
  droppedTeams: [],
  warnings: [],
}
const artifact = (variant: string): ModelArtifact => ({
  format: 'scoreline-dixon-coles/1',
  league: 'T1',
  model,
  blend: { kind: 'log', alpha: 0.5 },
  calibrator: null,
  settings: { margin_method: 'shin' },
  variant: { id: variant, label: variant, params: {}, selection: null, summary: null, note: null },
  dataFingerprint: 'sha256:x',
  evalWindow: 'T1-2023-24',
  howToPredict: '…',
})

/** A local MLflow Model folder as the pipeline logs it. */
function modelDir(name: string, variant: string, servable: boolean): string {
  const root = path.join(dir, name)
  const files = {
    ...mlflowModelFiles(artifact(variant), { runId: 'r1', servable }),
    'model.json': JSON.stringify(artifact(variant)),
  }
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    writeFileSync(path.join(root, file), text)
  }
  return root
}

const pyfunc = (root: string, fixtures: object[]) =>
  execFileSync(
    python,
    [
      '-c',
      'import sys, json, mlflow, pandas as pd; print(json.dumps(mlflow.pyfunc.load_model(sys.argv[1]).predict(pd.DataFrame(json.loads(sys.argv[2]))).drop(columns="score_matrix").to_dict("records")))',
      root,
      JSON.stringify(fixtures),
    ],
    { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] },
  )

describe('the MLflow Model files of a version (#21)', () => {
  it('MLmodel names the python_function loader, its code and data; the code is resources/mlflow verbatim', () => {
    const files = mlflowModelFiles(artifact('shots'), {
      runId: 'run-1',
      servable: true,
      now: new Date('2026-12-06T22:00:00.123Z'),
      uuid: 'abc',
    })
    expect(Object.keys(files).sort()).toEqual(
      ['MLmodel', `code/${PYFUNC_MODULE}.py`, 'conda.yaml', 'python_env.yaml', 'requirements.txt'].sort(),
    )
    expect(files.MLmodel).toContain(
      `  python_function:\n    loader_module: ${PYFUNC_MODULE}\n    code: code\n    data: model.json\n`,
    )
    expect(files.MLmodel).toMatch(/python_version: "3\.\d+\.\d+"/)
    expect(files.MLmodel).toContain('scoreline_variant: "shots"\n  scoreline_servable: true\n')
    expect(files.MLmodel).toContain('run_id: "run-1"\nutc_time_created: "2026-12-06 22:00:00.123000"\n')
    expect(files[`code/${PYFUNC_MODULE}.py`]).toBe(
      readFileSync(path.join(repo, 'resources', 'mlflow', `${PYFUNC_MODULE}.py`), 'utf8'),
    )
  })

  it('missing resources are an error naming the folders looked in', () => {
    expect(() => readPyfuncResources(['/nowhere/mlflow'])).toThrow(
      /scoreline_pyfunc\.py.*missing: looked in \/nowhere\/mlflow/,
    )
  })

  it('a build without resources/mlflow still registers: the run tag says why there is no MLflow Model', async () => {
    const logged: string[] = []
    const tags: Record<string, string>[] = []
    const tracking = {
      logArtifact: async (_run: string, p: string) => void logged.push(p),
      log: async (_run: string, input: { tags?: Record<string, string> }) => void tags.push(input.tags ?? {}),
    }
    await logMlflowModel(tracking, 'r1', artifact('dixon-coles'), true, () =>
      readPyfuncResources(['/nowhere']),
    )
    expect(logged).toEqual([])
    expect(tags[0][MLFLOW_MODEL_TAG]).toMatch(/^not logged: The MLflow Model files .* looked in \/nowhere/)
    await logMlflowModel(tracking, 'r1', artifact('dixon-coles'), true)
    expect(logged.sort()).toEqual(
      ['MLmodel', `code/${PYFUNC_MODULE}.py`, 'conda.yaml', 'python_env.yaml', 'requirements.txt']
        .map((f) => `model/${f}`)
        .sort(),
    )
  })

  it.skipIf(!havePython && !servicesRequired())(
    `the pyfunc prices a team without a rating from the promoted-team prior, as the app does${havePython ? '' : ` (skipped: no ${python})`}`,
    () => {
      const rows = JSON.parse(
        pyfunc(modelDir('dc', 'dixon-coles', true), [
          { home: 'Newtown', away: 'Ash', odds_home: 4.2, odds_draw: 3.8, odds_away: 1.9 },
        ]),
      )
      const app = priceFixture(
        championLeagueModel(
          'T1',
          { model, version: '1', runId: 'r1', alpha: 0.5, calibrator: null },
          { margin: 'shin', blend: 'log' },
        ),
        {
          league: 'T1',
          home: 'Newtown',
          away: 'Ash',
          date: null,
          snapshots: [],
          enteredOdds: { home: 4.2, draw: 3.8, away: 1.9 },
        },
      )
      expect(rows[0].warnings).toMatch(/Newtown has no rating .*promoted-team prior/)
      expect(rows[0].stage).toBe(app.served!.stage)
      expect(Math.abs(rows[0].lambda - app.model!.lambda)).toBeLessThan(1e-12)
      app.served!.probabilities.forEach((p, i) =>
        expect(Math.abs(p - rows[0][['served_home', 'served_draw', 'served_away'][i]])).toBeLessThan(1e-12),
      )
    },
  )

  it.skipIf(!havePython && !servicesRequired())(
    `a variant that needs its own code refuses to load, naming the variant${havePython ? '' : ` (skipped: no ${python})`}`,
    () => {
      let message = ''
      try {
        pyfunc(modelDir('nb', 'negative-binomial', false), [{ home: 'Ash', away: 'Elm' }])
      } catch (error) {
        message = String((error as { stderr?: string }).stderr)
      }
      expect(message).toMatch(/variant 'negative-binomial' needs its own code to forecast/)
    },
  )
})
