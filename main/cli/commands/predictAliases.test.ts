/**
 * predict and explain with a saved model or a CSV fit find teams through the data folder's aliases
 * (`data alias add`), as the champion path does through the store: an alias prices as its team, and a
 * misspelt alias gets "did you mean" with the model's team.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, writeSimulatedSeasons } from './modelCommands.testSupport'

const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-predict-aliases-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const home = path.join(dir, 'home')
const { files } = writeSimulatedSeasons(dir, { teams: 8, seasons: 1, seed: 7 })
const modelFile = path.join(dir, 'model.json')
const env = { SCORELINE_HOME: home, SCORELINE_LOG_LEVEL: 'error' }
const run = (argv: string[], extra: NodeJS.ProcessEnv = env) => runCli(argv, extra)

describe('predict / explain with a model file or CSVs: the user’s aliases', () => {
  beforeAll(async () => {
    expect((await run(['fit', ...files, '--out', modelFile])).code).toBe(0)
    expect((await run(['data', 'import', ...files, '--league', 'SIM'])).code).toBe(0)
    const added = await run(['data', 'alias', 'add', 'Team 01', 'Harbourside Rovers', '--league', 'SIM'])
    expect(added.code, added.stderr).toBe(0)
  }, 60_000)

  const p = (r: { stdout: string }) => JSON.parse(r.stdout).fixtures[0]

  it('predict --model: an alias prices exactly as its team', async () => {
    const byName = await run(['predict', '--model', modelFile, '--fixture', 'Team 01 v Team 02', '--json'])
    const byAlias = await run([
      'predict',
      '--model',
      modelFile,
      '--fixture',
      'Harbourside Rovers v Team 02',
      '--json',
    ])
    expect(byAlias.code, byAlias.stderr).toBe(0)
    expect(p(byAlias).home).toBe('Team 01')
    expect(p(byAlias).p_home).toBe(p(byName).p_home)
  })

  it('predict with CSVs and explain --model: the alias works there too', async () => {
    const csv = await run(['predict', ...files, '--fixture', 'Harbourside Rovers v Team 03', '--json'])
    expect(csv.code, csv.stderr).toBe(0)
    expect(p(csv).home).toBe('Team 01')
    const explained = await run([
      'explain',
      '--model',
      modelFile,
      '--fixture',
      'Team 04 v Harbourside Rovers',
      '--json',
    ])
    expect(explained.code, explained.stderr).toBe(0)
    expect(JSON.stringify(JSON.parse(explained.stdout).fixtures[0])).toContain('Team 01')
  })

  it('a misspelt alias: "did you mean" names the model’s team', async () => {
    const r = await run(['predict', '--model', modelFile, '--fixture', 'Harbourside Rovrs v Team 02'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/Unknown team "Harbourside Rovrs".*Did you mean "Team 01"/)
  })

  it('another data folder (without the alias) does not know the name', async () => {
    const other = { SCORELINE_HOME: path.join(dir, 'empty'), SCORELINE_LOG_LEVEL: 'error' }
    const r = await run(['predict', '--model', modelFile, '--fixture', 'Harbourside Rovers v Team 02'], other)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/Unknown team "Harbourside Rovers"/)
  })
})

// a model file alone must not create a data folder just to look for aliases
it('no data folder: predict --model reads none and creates none', async () => {
  const nowhere = path.join(dir, 'nowhere')
  const r = await runCli(['predict', '--model', modelFile, '--fixture', 'Team 01 v Teem 02'], {
    SCORELINE_HOME: nowhere,
    SCORELINE_LOG_LEVEL: 'error',
  })
  expect(r.code).toBe(1)
  expect(r.stderr).toMatch(/Did you mean "Team 02"/)
  expect(() => writeFileSync(path.join(nowhere, 'x'), '')).toThrow()
})
