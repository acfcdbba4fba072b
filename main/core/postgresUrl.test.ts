/**
 * #21: a malformed DATABASE_URL names the part that is wrong (not pg's `ENOTFOUND base`), and every
 * Postgres connection says who it is in pg_stat_activity (`scoreline <version> <host>`).
 */
import os from 'node:os'
import { describe, expect, it } from 'vitest'
import { connectPostgres } from '../services/data/postgres/pgConnection'
import { postgresProbe } from '../services/status/backendProbes'
import { describeWithService } from '../../test/support/services'
import { postgresApplicationName, postgresUrlProblem } from './postgresUrl'
import { APP_VERSION } from './version'

describe('postgresUrlProblem', () => {
  it('accepts the URLs people use', () => {
    for (const url of [
      'postgres://postgres@127.0.0.1:5432/scoreline',
      'postgresql://user:p%2Fss%40word@db.example.com/scoreline?sslmode=require',
      'postgres://localhost/scoreline',
      'postgres:///scoreline?host=/var/run/postgresql',
    ])
      expect(postgresUrlProblem(url), url).toBeNull()
  })

  it('names the part that is wrong, never the password', () => {
    const cases: [string, RegExp][] = [
      ['localhost:5432/scoreline', /no scheme: it must start with postgres:\/\//],
      ['mysql://u:p@host/db', /the scheme "mysql:\/\/"; expected postgres:\/\//],
      ['postgres://u:se/cret@host:5432/db', /password contains a "\/", "\?" or "#".*percent-encode/],
      ['postgres://u:se#cret@host:5432/db', /password contains a "\/", "\?" or "#"/],
      ['postgres://u:se:cret@host:5432/db', /password contains ":"/],
      ['postgres://u:secret@host:54x2/db', /the port "54x2" after the host is not a number/],
      ['postgres://host:5432/scoreline/extra', /the database name "scoreline\/extra" contains "\/"/],
      ['', /DATABASE_URL is empty/],
    ]
    for (const [url, expected] of cases) {
      const problem = postgresUrlProblem(url)
      expect(problem, url).toMatch(expected)
      expect(problem).not.toMatch(/cret/)
    }
  })

  it('the connection and the status probe say so instead of ENOTFOUND base', async () => {
    const url = 'postgres://scoreline:pa/ss@127.0.0.1:5432/scoreline'
    const error = await connectPostgres(url).then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    )
    expect(error?.code).toBe('DATABASE_URL_INVALID')
    expect(error?.message).toMatch(/password contains a "\/"/)
    expect(error?.message).not.toMatch(/ENOTFOUND|pa\/ss/)
    const status = await postgresProbe(url)()
    expect(status).toMatchObject({
      state: 'unreachable',
      target: 'postgres://scoreline:***@127.0.0.1:5432/scoreline',
    })
    expect(status.detail).toMatch(/password contains a "\/"/)
    expect(JSON.stringify(status)).not.toContain('pa/ss')
  })

  it('the application name is "scoreline <version> <host>", within Postgres\'s 63 bytes', () => {
    expect(postgresApplicationName()).toBe(`scoreline ${APP_VERSION} ${os.hostname()}`.slice(0, 63))
    expect(postgresApplicationName('x'.repeat(100))).toHaveLength(63)
  })
})

describeWithService('postgres', 'Postgres connections name themselves (application_name)', (url) => {
  it("pg_stat_activity shows scoreline, its version and this host for the app's connection", async () => {
    const client = await connectPostgres(url)
    try {
      const { rows } = await client.query<{ name: string }>(
        'SELECT application_name AS name FROM pg_stat_activity WHERE pid = pg_backend_pid()',
      )
      expect(rows[0].name).toBe(postgresApplicationName())
      expect(rows[0].name).toMatch(new RegExp(`^scoreline ${APP_VERSION.replace(/\./g, '\\.')} `))
    } finally {
      await client.end()
    }
  })
})
