/**
 * Every contract procedure, fed random JSON, through the real `dispatch` of an in-process backend
 * (createScoreline on a temp SQLite data folder with a small imported league; no external
 * services, season downloads pointed at a closed loopback port). For every input the answer is a
 * Result — `{ ok: true, value }` (dispatch has validated it against the output schema) or
 * `{ ok: false, error: { code, message } }` with a typed code — never a throw, never an untyped
 * INTERNAL error, never an invalid output, never a hang (each call has a deadline).
 *
 * Inputs: fc.anything / fc.jsonValue, objects with the schema's own keys holding random or hostile
 * values, and mutations (one field replaced, removed or added) of a valid input.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import type { z } from 'zod'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScoreline, type Scoreline } from '../../main/core/scoreline'
import { procedureNames, procedures } from '../../shared/api/contract'
import { writeSimulatedSeasons } from '../../main/cli/commands/modelCommands.testSupport'
import { closedPort } from '../support/net'

const CALL_DEADLINE_MS = 15_000
const RUNS_PER_PROCEDURE = Number(process.env.SCORELINE_FUZZ_RUNS ?? 30)

/** Values that have broken parsers and handlers elsewhere. */
const hostileValue: fc.Arbitrary<unknown> = fc.constantFrom(
  '',
  ' ',
  'SIM',
  'E0',
  '2019-20',
  '2019-08-10',
  'Team 01',
  '../../../../etc/passwd',
  'C:\\Windows\\win.ini',
  '\u0000',
  "=cmd|' /C calc'!A0",
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  'x'.repeat(5000),
  '\ud800',
  -1,
  0,
  1,
  0.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  [],
  {},
  null,
  true,
  ['SIM'],
  [{}],
  { __proto__: { polluted: true } },
  JSON.parse('{"__proto__": {"polluted": true}}'),
)

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileValue },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.double() },
)

interface ZodLike {
  def?: {
    type?: string
    shape?: Record<string, unknown>
    innerType?: unknown
    in?: unknown
    options?: unknown[]
  }
}

/** The keys of an object schema (through optional/default/pipe wrappers), or [] when not an object. */
function shapeKeys(schema: unknown): string[] {
  const def = (schema as ZodLike).def
  if (!def) return []
  if (def.type === 'object' && def.shape) return Object.keys(def.shape)
  if (def.innerType) return shapeKeys(def.innerType)
  if (def.in) return shapeKeys(def.in)
  if (def.type === 'union' && def.options) return [...new Set(def.options.flatMap(shapeKeys))]
  return []
}

function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} did not answer within ${CALL_DEADLINE_MS} ms`)),
        CALL_DEADLINE_MS,
      )
    }),
  ])
}

describe('every contract procedure, random input (property, real in-process backend)', () => {
  let home: string
  let csvDir: string
  let scoreline: Scoreline
  const valid: Record<string, unknown[]> = {}

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-fuzz-home-'))
    csvDir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-fuzz-csv-'))
    const { files } = writeSimulatedSeasons(csvDir, { teams: 6, seasons: 1, seed: 11 })
    scoreline = createScoreline({
      shell: 'browser-bridge',
      env: {
        SCORELINE_HOME: home,
        SCORELINE_FOOTBALL_DATA_URL: `http://127.0.0.1:${await closedPort()}`,
        SCORELINE_LOG_LEVEL: 'error',
      },
    })
    const imported = await scoreline.dispatch(
      'data.importCsv',
      { files: files.map((f) => ({ path: f })), league: 'SIM' },
      { transport: 'test' },
    )
    expect(imported.ok, JSON.stringify(imported)).toBe(true)
    // valid inputs to mutate: reach the handlers, not only the schema
    Object.assign(valid, {
      'app.ping': [{ message: 'hi' }],
      'settings.set': [{ key: 'theme', value: 'dark' }],
      'data.matches': [{ league: 'SIM' }, { league: 'SIM', season: '2019-20', team: 'Team 01' }],
      'data.leagueTable': [{ league: 'SIM', season: '2019-20' }],
      'data.quality': [{ league: 'SIM' }],
      'data.teams': [{ league: 'SIM' }],
      'data.seasons': [{ league: 'SIM' }],
      'data.addAlias': [{ team: 'Team 01', alias: 'T1', league: 'SIM' }],
      'data.importCsv': [
        { files: [{ name: 'x.csv', contentBase64: Buffer.from('Div,Date\n').toString('base64') }] },
      ],
      'jackpots.parseText': [{ text: 'Team 01 v Team 02 2.1 3.3 3.4\nTeam 03 v Team 04', league: 'SIM' }],
      'jackpots.create': [
        {
          name: 'fuzz',
          league: 'SIM',
          fixtures: [{ home: 'Team 01', away: 'Team 02' }],
        },
      ],
      'tracking.searchRuns': [{ filter: "metrics.rps < 0.2 AND params.xi = '0.0019'" }],
      'tracking.compareRuns': [{ runIds: ['a', 'b'] }],
      'tracking.getRun': [{ runId: 'nope' }],
      'tracking.artifacts': [{ runId: 'nope', path: '../..' }],
      'tracking.readArtifact': [{ runId: 'nope', path: '../../etc/passwd' }],
      'tracking.model': [{ name: 'scoreline-SIM' }],
      'tracking.rollback': [{ name: 'scoreline-SIM' }],
      'features.getTeam': [{ view: 'team_form', league: 'SIM', team: 'Team 01' }],
      'features.getTeams': [{ view: 'team_ratings', league: 'SIM' }],
      'features.getMatch': [{ league: 'SIM', date: '2020-08-01', home: 'Team 01', away: 'Team 02' }],
      'features.history': [{ view: 'team_form', league: 'SIM', entity: 'Team 01' }],
      'data.download': [{ league: 'SIM', seasons: ['2019-20'] }],
      'health.report': [{ league: 'SIM' }],
      'settings.testConnection': [{ backend: 'redis', url: `redis://127.0.0.1:${await closedPort()}` }],
      'fixtures.list': [{ league: 'SIM' }, { from: '2019-08-01', to: '2031-01-01' }],
      'fixtures.price': [{ league: 'SIM' }],
      'fixtures.priceNamed': [{ fixtures: [{ league: 'SIM', home: 'Team 01', away: 'Team 02' }] }],
      'fixtures.history': [{ matchId: 1 }],
      'fixtures.import': [
        {
          files: [
            {
              name: 'fixtures.csv',
              contents:
                'Div,Date,Time,HomeTeam,AwayTeam,PSH,PSD,PSA\nSIM,01/08/2031,15:00,Team 01,Team 02,2.1,3.4,3.6\n',
            },
          ],
        },
      ],
      'fixtures.download': [{ leagues: ['SIM'] }],
    })
    const created = await scoreline.dispatch('jackpots.create', valid['jackpots.create'][0], {
      transport: 'test',
    })
    expect(created.ok, JSON.stringify(created)).toBe(true)
    const id = (created as { value: { id: string } }).value.id
    Object.assign(valid, {
      'jackpots.get': [{ id }],
      'jackpots.analyse': [{ id }],
      'jackpots.exportCsv': [{ id }],
      'jackpots.plan': [{ id, budget: 4 }],
      'jackpots.setPick': [{ id, position: 1, pick: 'H' }],
    })
  }, 120_000)

  afterAll(async () => {
    await scoreline?.dispatch('training.cancel', {}, { transport: 'test' }).catch(() => undefined)
    await scoreline?.close()
    rmSync(home, { recursive: true, force: true })
    rmSync(csvDir, { recursive: true, force: true })
  })

  const typedFailures: Record<string, Set<string>> = {}

  async function check(name: string, input: unknown): Promise<void> {
    let result: unknown
    try {
      result = await withDeadline(scoreline.dispatch(name, input, { transport: 'test' }), name)
    } catch (error) {
      throw new Error(`${name} threw or hung for ${safeJson(input)}: ${(error as Error).message}`)
    }
    expect(() => JSON.stringify(result)).not.toThrow()
    const r = result as { ok: boolean; value?: unknown; error?: { code: unknown; message: unknown } }
    expect(typeof r.ok).toBe('boolean')
    if (r.ok) return
    expect(r.error, name).toBeDefined()
    const { code, message } = r.error!
    expect(typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code), `${name}: code ${String(code)}`).toBe(
      true,
    )
    expect(typeof message === 'string' && message.length > 0).toBe(true)
    if (code === 'INTERNAL' || code === 'INVALID_OUTPUT') {
      throw new Error(`${name} answered ${String(code)} for ${safeJson(input)}: ${String(message)}`)
    }
    ;(typedFailures[name] ??= new Set()).add(code as string)
  }

  for (const name of procedureNames) {
    it(`${name}: random JSON and mutated inputs give a Result with a typed error or a valid value`, async () => {
      const schema = procedures[name].input as z.ZodType
      const keys = shapeKeys(schema)
      const seeds = valid[name] ?? [{}]
      const shaped =
        keys.length > 0
          ? fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: keys.length })
          : fc.constant({})
      const mutated = fc
        .tuple(
          fc.constantFrom(...seeds),
          fc.constantFrom(...(keys.length ? keys : ['x'])),
          fc.oneof(anyValue, fc.constant(undefined)),
          fc.boolean(),
        )
        .map(([seed, key, value, extra]) => {
          const copy: Record<string, unknown> = { ...(seed as object) }
          if (extra) copy[`${key}_extra`] = value
          else if (value === undefined) delete copy[key]
          else copy[key] = value
          return copy
        })
      const input = fc.oneof(
        { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
        { weight: 2, arbitrary: shaped },
        { weight: 3, arbitrary: mutated },
      )
      // the valid seeds themselves go first
      for (const seed of seeds) await check(name, seed)
      await fc.assert(
        fc.asyncProperty(input, async (value) => check(name, value)),
        { numRuns: RUNS_PER_PROCEDURE, seed: 1100 + procedureNames.indexOf(name) },
      )
    }, 120_000)
  }

  it('the fuzzing reached the schemas (INVALID_INPUT seen) for every procedure that takes input', () => {
    const withInput = procedureNames.filter((n) => shapeKeys(procedures[n].input).length > 0)
    const without = withInput.filter((n) => !typedFailures[n]?.has('INVALID_INPUT'))
    expect(without).toEqual([])
  })
})

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 300) ?? String(value)
  } catch {
    return String(value)
  }
}
