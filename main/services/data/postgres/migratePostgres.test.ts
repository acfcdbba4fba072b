import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeWithService } from '../../../../test/support/services'
import { createTestDatabase } from '../testing/pgTestDatabase'
import { loadPostgresMigrations, migratePostgres, postgresMigrationsDir } from './migratePostgres'

describeWithService('postgres', 'migratePostgres', (baseUrl) => {
  const dbs: Awaited<ReturnType<typeof createTestDatabase>>[] = []
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'scoreline-pgmig-'))
  })
  afterAll(async () => {
    for (const d of dbs) await d.drop()
    rmSync(dir, { recursive: true, force: true })
  })
  async function fresh() {
    const d = await createTestDatabase(baseUrl)
    dbs.push(d)
    return d
  }

  it('migrates an empty database, records checksums, and is a no-op the second time', async () => {
    const d = await fresh()
    const first = await migratePostgres(d.url)
    expect(first).toMatchObject({ from: 0, to: loadPostgresMigrations().length, adopted: [] })
    expect(first.applied[0]).toBe('0001_init.sql')
    const again = await migratePostgres(d.url)
    expect(again.applied).toEqual([])
    const c = new pg.Client({ connectionString: d.url })
    await c.connect()
    const rows = (await c.query('SELECT version, name, checksum FROM schema_migrations')).rows
    expect(rows[0]).toEqual({ version: 1, name: 'init', checksum: loadPostgresMigrations()[0].checksum })
    // updated_at is maintained by trigger
    await c.query("INSERT INTO leagues (code, name, updated_at) VALUES ('E0', 'PL', '2000-01-01')")
    const ts = (await c.query("SELECT updated_at > now() - interval '1 minute' AS fresh FROM leagues"))
      .rows[0]
    expect(ts.fresh).toBe(true)
    await c.end()
  })

  it('adopts a database initialised by psql from the same files (docker-compose init)', async () => {
    const d = await fresh()
    const c = new pg.Client({ connectionString: d.url })
    await c.connect()
    // every file in order, as deploy/postgres/initdb.d/20-scoreline-migrations.sh runs them
    const files = readdirSync(postgresMigrationsDir())
      .filter((f) => f.endsWith('.sql'))
      .sort()
    for (const f of files) await c.query(readFileSync(path.join(postgresMigrationsDir(), f), 'utf8'))
    await c.end()
    const r = await migratePostgres(d.url)
    expect(r.applied).toEqual([])
    expect(r.adopted).toEqual(files)
    expect(files.slice(0, 2)).toEqual(['0001_init.sql', '0002_price_snapshots.sql'])
  })

  it('refuses an edited applied migration and a database newer than this build', async () => {
    const d = await fresh()
    cpSync(postgresMigrationsDir(), dir, { recursive: true })
    await migratePostgres(d.url, { dir })
    const file = path.join(dir, '0001_init.sql')
    writeFileSync(file, readFileSync(file, 'utf8') + '\n-- edited\n')
    await expect(migratePostgres(d.url, { dir })).rejects.toMatchObject({ code: 'PG_MIGRATION_CHECKSUM' })

    const c = new pg.Client({ connectionString: d.url })
    await c.connect()
    await c.query("INSERT INTO schema_migrations (version, name, checksum) VALUES (99, 'future', 'x')")
    await c.end()
    await expect(migratePostgres(d.url)).rejects.toMatchObject({ code: 'DB_TOO_NEW' })
  })

  it('reports an unreachable server without the password', async () => {
    await expect(migratePostgres('postgres://bob:secret@127.0.0.1:1/none')).rejects.toMatchObject({
      code: 'SERVICE_UNREACHABLE',
      message: expect.not.stringContaining('secret'),
    })
  })
})
