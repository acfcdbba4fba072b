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

  it('exits 1 for typed errors and 2 for internal errors, with JSON errors on --json', async () => {
    const root: Command = {
      name: 'scoreline',
      summary: 'test',
      usage: '',
      subcommands: [
        {
          name: 'typed',
          summary: '',
          usage: '',
          run: () => Promise.reject(new ApiError('UNKNOWN_TEAM', 'No team "X"')),
        },
        {
          name: 'crash',
          summary: '',
          usage: '',
          run: () => Promise.reject(new TypeError('undefined is not a function')),
        },
      ],
    }
    const typed = await run(['typed', '--json'], root)
    expect(typed.code).toBe(1)
    expect(JSON.parse(typed.stdout)).toEqual({ error: { code: 'UNKNOWN_TEAM', message: 'No team "X"' } })
    const crash = await run(['crash'], root)
    expect(crash.code).toBe(2)
    expect(crash.stderr).toContain('undefined is not a function')
  })
})
