import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { rootCommand } from './index'
import { type Command } from './framework'
import { runCli } from '../../test/support/cli'
import { ApiError } from '../../shared/api/errors'

const home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-cli-'))
afterAll(() => rmSync(home, { recursive: true, force: true }))

const run = (argv: string[], root: Command = rootCommand, env: NodeJS.ProcessEnv = {}) =>
  runCli(argv, { SCORELINE_HOME: home, ...env }, root)

/** A `scoreline` with only the given test commands. */
const testRoot = (...subcommands: (Pick<Command, 'name'> & Partial<Command>)[]): Command => ({
  name: 'scoreline',
  summary: 'test',
  usage: '',
  subcommands: subcommands.map((c) => ({ summary: '', usage: '', ...c })),
})

describe('scoreline CLI', () => {
  it('info --json reports the data folder and every backend, exit 0', async () => {
    const { code, stdout } = await run(['info', '--json', '--home', home])
    expect(code).toBe(0)
    const info = JSON.parse(stdout)
    expect(info.dataDir).toBe(home)
    expect(info.runtime.shell).toBe('cli')
    expect(info.backends.map((b: { name: string }) => b.name)).toEqual([
      'sqlite',
      'postgres',
      'redis',
      'mlflow',
    ])
    expect(info.backends[0]).toMatchObject({
      state: 'reachable',
      target: path.join(home, 'scoreline.sqlite'),
    })
  })

  it('reports an unreachable backend with the reason and without the password', async () => {
    const { code, stdout } = await run([
      'info',
      '--json',
      '--home',
      home,
      '--postgres',
      'postgres://u:hunter22@127.0.0.1:1/x',
    ])
    expect(code).toBe(0)
    const pgStatus = JSON.parse(stdout).backends[1]
    expect(pgStatus.state).toBe('unreachable')
    expect(pgStatus.detail).toMatch(/ECONNREFUSED|connect/i)
    expect(stdout).not.toContain('hunter22')
  })

  it('prints help for every command with exit 0', async () => {
    for (const argv of [['--help'], ['info', '--help'], ['serve', '--help']]) {
      const { code, stdout } = await run(argv)
      expect(code, argv.join(' ')).toBe(0)
      expect(stdout).toContain('Usage: scoreline')
    }
  })

  it('exits 1 with a clear message on a user error', async () => {
    const unknownCommand = await run(['frobnicate'])
    expect(unknownCommand.code).toBe(1)
    expect(unknownCommand.stderr).toContain('Unknown command "frobnicate"')
    const badFlag = await run(['info', '--bogus'])
    expect(badFlag.code).toBe(1)
    expect(badFlag.stderr).toContain("Unknown option '--bogus'")
    const badPort = await run(['serve', '--port', 'abc'])
    expect(badPort.code).toBe(1)
    expect(badPort.stderr).toContain('--port must be a port number')
  })

  it('lists each command by the name and summary its module gives, loading none of them for --help', async () => {
    const { commands } = await import('./commands')
    for (const stub of commands) {
      expect(stub.load, stub.name).toBeTypeOf('function')
      const command = await stub.load!()
      expect(command.name).toBe(stub.name)
      if (!stub.hidden) expect(command.summary, stub.name).toBe(stub.summary)
    }
    const help = await run(['--help'])
    expect(help.stdout).toMatch(/^ {2}data {2,}/m)
    // the old spellings are accepted but not listed
    expect(help.stdout).not.toMatch(/^ {2}(import|download|sync|alias|db) /m)
  })

  it('suggests the command or flag meant, and reads `--xi -1` as a value', async () => {
    const typo = await run(['pipline', 'run'])
    expect(typo.stderr).toContain('did you mean `scoreline pipeline`?')
    const flag = await run(['info', '--hom', home])
    expect(flag.stderr).toContain("Unknown option '--hom' for `scoreline info` (did you mean --home?)")
    const seen: unknown[] = []
    const root = testRoot({
      name: 'probe',
      options: { xi: { type: 'string', description: 'x' } },
      run: (ctx) => void seen.push(ctx.values.xi),
    })
    expect((await run(['probe', '--xi', '-1'], root)).code).toBe(0)
    expect((await run(['probe', '--xi', '-.5'], root)).code).toBe(0)
    expect(seen).toEqual(['-1', '-.5'])
    const missing = await run(['probe', '--xi'], root)
    expect(missing.stderr).toBe('error: --xi needs a value (--xi <xi>). Run `scoreline probe --help`.\n')
    const dashed = await run(['probe', '--xi', '-abc'], root)
    expect(dashed.stderr).toContain('write --xi=<value>')
    expect(dashed.stderr).not.toContain('ambiguous')
  })

  it('lists the common service options in every help, and a group its sub-commands with their options', async () => {
    for (const argv of [
      ['fit', '--help'],
      ['data', 'status', '--help'],
      ['pipeline', '--help'],
    ]) {
      const { stdout } = await run(argv)
      expect(stdout, argv.join(' ')).toContain('Common options (every command):')
      for (const flag of [
        '--home <dir>',
        '--postgres <url>',
        '--redis <url>',
        '--mlflow <uri>',
        '--offline',
        '--json',
      ])
        expect(stdout, argv.join(' ')).toContain(flag)
    }
    const pipeline = (await run(['pipeline', '--help'])).stdout
    expect(pipeline).toContain('scoreline pipeline run')
    expect(pipeline).toContain('--league <')
    const data = (await run(['data', '--help'])).stdout
    for (const sub of ['import', 'download', 'sync', 'migrate', 'alias', 'status'])
      expect(data, sub).toContain(`scoreline data ${sub}`)
  })

  it('prints one line for a missing file, and escapes control bytes from user text', async () => {
    const root = testRoot(
      {
        name: 'read',
        run: async () => {
          await (await import('node:fs/promises')).readFile('/nonexistent/x.csv')
        },
      },
      {
        name: 'names',
        run: (ctx) =>
          ctx.output({ team: 'Ri\u001b[31mver\u0007' }, (r: { team: string }) => `${r.team}\tok\n`),
      },
      {
        name: 'bytes',
        run: () =>
          Promise.reject(new ApiError('CSV_PARSE', `bad value "\u001b[31mred\u0000${'x'.repeat(5000)}"`)),
      },
    )
    const names = await run(['names'], root)
    expect(names.stdout).toBe('Ri\\x1b[31mver\\x07\tok\n')
    // JSON keeps the text as it is (escaped by JSON itself)
    expect(JSON.parse((await run(['names', '--json'], root)).stdout).team).toBe('Ri\u001b[31mver\u0007')
    const missing = await run(['read'], root)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe('error: No such file or folder: /nonexistent/x.csv\n')
    const bytes = await run(['bytes'], root)
    expect(bytes.stderr).toContain('\\x1b[31mred\\x00')
    expect(bytes.stderr).not.toContain('\u001b')
    expect(bytes.stderr.length).toBeLessThan(2200)
    expect(bytes.stderr.split('\n').length).toBe(2)
  })

  it('words a contract validation error by the flag and the form it expects, never the field path or a regex', async () => {
    const date = await run([
      'features',
      'get',
      'E0',
      '--fixture',
      'A v B',
      '--date',
      '31/12/2026',
      '--home',
      home,
    ])
    expect(date.code).toBe(1)
    expect(date.stderr).toBe('error: --date must be YYYY-MM-DD, got "31/12/2026"\n')
    const seasons = await run([
      'data',
      'download',
      '--league',
      'E0',
      '--seasons',
      '2023/24',
      '--offline',
      '--home',
      home,
    ])
    expect(seasons.stderr).toBe('error: --seasons must be 2023-24 or 2019-20..2024-25, got "2023/24"\n')
    const json = await run([
      'features',
      'get',
      'E0',
      '--fixture',
      'A v B',
      '--date',
      'x',
      '--json',
      '--home',
      home,
    ])
    expect(JSON.parse(json.stdout).error).toMatchObject({
      code: 'INVALID_INPUT',
      message: '--date must be YYYY-MM-DD, got "x"',
    })
    for (const r of [date, seasons]) expect(r.stderr).not.toMatch(/\\d|features\.getMatch|Invalid string/)
  })

  it('exits 1 for typed errors and 2 for internal errors, with JSON errors on --json', async () => {
    const root = testRoot(
      {
        name: 'typed',
        run: () => Promise.reject(new ApiError('UNKNOWN_TEAM', 'No team "X"')),
      },
      {
        name: 'crash',
        run: () => Promise.reject(new TypeError('undefined is not a function')),
      },
    )
    const typed = await run(['typed', '--json'], root)
    expect(typed.code).toBe(1)
    expect(JSON.parse(typed.stdout)).toEqual({ error: { code: 'UNKNOWN_TEAM', message: 'No team "X"' } })
    const crash = await run(['crash'], root)
    expect(crash.code).toBe(2)
    expect(crash.stderr).toContain('undefined is not a function')
  })
})
