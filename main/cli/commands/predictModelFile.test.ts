/**
 * `predict --model` with a pipeline version's model.json as MLflow stores it (#21): priced with the file's own
 * stages (margin method, pool, α, calibrator), and `--fixture "Home v Away @ H D A"` entering the market.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { logPool } from '../../model/blend'
import { applyCalibrator, type TemperatureCalibrator } from '../../model/calibration'
import { predictFixture, type FittedModel } from '../../model/dixonColes'
import { removeMargin } from '../../model/market'
import { runCli, writeSimulatedSeasons } from './modelCommands.testSupport'

const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-predict-artifact-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const { files } = writeSimulatedSeasons(dir, { seasons: 2 })
const fitFile = path.join(dir, 'fit.json')
const calibrator: TemperatureCalibrator = {
  kind: 'temperature',
  temperature: 1.25,
  floor: 1e-4,
  n: 300,
  logLossBefore: 1.01,
  logLossAfter: 1,
}
const odds: [number, number, number] = [2.1, 3.4, 3.6]

function writeArtifact(name: string, edit: (a: Record<string, unknown>) => Record<string, unknown>): string {
  const model = JSON.parse(readFileSync(fitFile, 'utf8')) as FittedModel
  const artifact = {
    format: 'scoreline-dixon-coles/1',
    league: 'SIM',
    model,
    blend: { kind: 'log', alpha: 0.4 },
    calibrator,
    settings: { margin_method: 'power', xi: 0.0019 },
    dataFingerprint: 'sha256:test',
    evalWindow: 'SIM-2020-21',
    howToPredict: '…',
  }
  const file = path.join(dir, name)
  writeFileSync(file, JSON.stringify(edit(artifact), null, 2))
  return file
}

describe('scoreline predict --model <a version model.json>', () => {
  beforeAll(async () => {
    expect((await runCli(['fit', ...files, '--out', fitFile])).code).toBe(0)
  })

  it('serves market → log pool at α → calibrator with the file margin method, as the champion would', async () => {
    const file = writeArtifact('version.json', (a) => a)
    const r = await runCli([
      'predict',
      '--model',
      file,
      '--fixture',
      `Team 01 v Team 02 @ ${odds.join(' ')}`,
      '--fixture',
      'Team 03 v Team 04',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const [withOdds, without] = JSON.parse(r.stdout).fixtures
    const model = JSON.parse(readFileSync(fitFile, 'utf8')) as FittedModel
    const p = predictFixture(model, 'Team 01', 'Team 02')
    const market = removeMargin(odds, 'power').probabilities
    const served = applyCalibrator(calibrator, logPool([p.pHome, p.pDraw, p.pAway], market, 0.4))
    expect(withOdds).toMatchObject({ stage: 'calibrated', market: { margin_method: 'power', odds } })
    expect([withOdds.p_home, withOdds.p_draw, withOdds.p_away]).toEqual(served)
    // no odds: the calibrated model (the calibrator applies to whatever the blend stage gave)
    const q = predictFixture(model, 'Team 03', 'Team 04')
    expect(without.market).toBeNull()
    expect([without.p_home, without.p_draw, without.p_away]).toEqual(
      applyCalibrator(calibrator, [q.pHome, q.pDraw, q.pAway]),
    )
  })

  it('an α never fitted (null) serves the market itself; a plain fit file serves the model', async () => {
    const file = writeArtifact('unfitted.json', (a) => ({
      ...a,
      blend: { kind: 'log', alpha: null },
      calibrator: null,
    }))
    const fixture = `Team 01 v Team 02 @ ${odds.join(' ')}`
    const r = JSON.parse((await runCli(['predict', '--model', file, '--fixture', fixture, '--json'])).stdout)
    expect(r.fixtures[0].stage).toBe('market')
    expect([r.fixtures[0].p_home, r.fixtures[0].p_draw, r.fixtures[0].p_away]).toEqual(
      removeMargin(odds, 'power').probabilities,
    )
    const plain = JSON.parse(
      (await runCli(['predict', '--model', fitFile, '--fixture', 'Team 01 v Team 02', '--json'])).stdout,
    )
    expect(plain.fixtures[0].stage).toBe('model')
  })

  it('bad odds and a damaged model.json are refused, naming the fixture or the field', async () => {
    const file = writeArtifact('version2.json', (a) => a)
    const bad = await runCli(['predict', '--model', file, '--fixture', 'Team 01 v Team 02 @ 2.1 1 x'])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(
      /--fixture "Team 01 v Team 02 @ 2\.1 1 x": after @ give three decimal odds above 1/,
    )
    const noTemp = writeArtifact('broken.json', (a) => ({
      ...a,
      calibrator: { kind: 'temperature', floor: 1e-4 },
    }))
    const r1 = await runCli(['predict', '--model', noTemp, '--fixture', 'Team 01 v Team 02'])
    expect(r1.code).not.toBe(0)
    expect(r1.stderr).toMatch(
      /broken\.json: the model\.json's calibrator(\.temperature)? is not what a pipeline version writes/,
    )
    const noTeams = writeArtifact('noteams.json', (a) => ({
      ...a,
      model: { ...(a.model as object), teams: [] },
    }))
    const r2 = await runCli(['predict', '--model', noTeams, '--fixture', 'Team 01 v Team 02'])
    expect(r2.code).not.toBe(0)
    expect(r2.stderr).toMatch(/noteams\.json: not a model .*\(model\.teams: /)
  })
})
