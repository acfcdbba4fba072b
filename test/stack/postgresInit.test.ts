/**
 * The Postgres container's first start, replayed against the local server: the init scripts in
 * deploy/postgres/initdb.d run in the entrypoint's order (file-name order, executed with the container's
 * environment) against an empty database, then the app's own migrator finds the schema complete.
 */
import { execFile } from 'node:child_process'
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  loadPostgresMigrations,
  migratePostgres,
  postgresMigrationsDir,
} from '../../main/services/data/postgres/migratePostgres'
import { describeWithService } from '../support/services'
import { createTarget, dbUrl, dropTarget, initEnv, runInitScripts, type InitTarget } from './initdb'
import { COMPOSE_FILE, root, tempDir, unescapeDollars } from './support'

const run = promisify(execFile)
const INITDB = path.join(root, 'deploy/postgres/initdb.d')

async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(sql, params)).rows
  } finally {
    await client.end()
  }
}

describeWithService('postgres', 'Postgres init scripts from an empty database', (baseUrl) => {
  let target: InitTarget
  let log = ''

  beforeAll(async () => {
    target = await createTarget(baseUrl)
    log = await runInitScripts(initEnv(target))
  })
  afterAll(async () => {
    if (target) await dropTarget(baseUrl, target)
  })

  it('applies every project migration, recording each version for the app to adopt', async () => {
    const url = dbUrl(target.url, target.database)
    const migrations = loadPostgresMigrations()
    expect(log).toContain(`applied ${migrations.length} migration(s)`)
    const rows = await query<{ version: number; name: string; checksum: string | null }>(
      url,
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    )
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version, name: m.name, checksum: null })))
    const tables = await query<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    )
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['leagues', 'matches', 'odds', 'jackpots']),
    )
  })

  it("leaves nothing for the app's migratePostgres() to apply: it adopts the versions and records checksums", async () => {
    const url = dbUrl(target.url, target.database)
    const result = await migratePostgres(url)
    const migrations = loadPostgresMigrations()
    expect(result.applied).toEqual([])
    expect(result.adopted).toEqual(migrations.map((m) => m.file))
    const rows = await query<{ checksum: string }>(
      url,
      'SELECT checksum FROM schema_migrations ORDER BY version',
    )
    expect(rows.map((r) => r.checksum)).toEqual(migrations.map((m) => m.checksum))
    expect((await migratePostgres(url)).adopted).toEqual([])
  })

  it("creates MLflow's login role and its tracking and auth databases, owned by that role", async () => {
    const owners = await query<{ datname: string; owner: string }>(
      baseUrl,
      'SELECT datname, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = ANY($1) ORDER BY datname',
      [[target.mlflowDb, target.mlflowAuthDb]],
    )
    expect(owners).toEqual(
      [target.mlflowDb, target.mlflowAuthDb].sort().map((datname) => ({ datname, owner: target.mlflowRole })),
    )
    const [role] = await query<{ rolcanlogin: boolean; rolsuper: boolean; has_password: boolean }>(
      baseUrl,
      `SELECT rolcanlogin, rolsuper, rolpassword IS NOT NULL AS has_password FROM pg_authid WHERE rolname = $1`,
      [target.mlflowRole],
    )
    expect(role).toEqual({ rolcanlogin: true, rolsuper: false, has_password: true })
  })

  it('the MLflow script can be re-run by hand (existing objects kept, password set again)', async () => {
    const before = await query<{ rolpassword: string }>(
      baseUrl,
      'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
      [target.mlflowRole],
    )
    const env = initEnv(target, { MLFLOW_DB_PASSWORD: 'rotated' })
    await run(path.join(INITDB, '10-mlflow-databases.sh'), [], { env })
    const after = await query<{ rolpassword: string }>(
      baseUrl,
      'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
      [target.mlflowRole],
    )
    expect(after[0].rolpassword).not.toBe(before[0].rolpassword)
  })

  it("passes the compose file's health check once initialised", async () => {
    const compose = readFileSync(path.join(root, COMPOSE_FILE), 'utf8')
    const check = /pg_isready[^']*/.exec(compose)?.[0]
    expect(check).toBeTruthy()
    const env = initEnv(target)
    await expect(run('sh', ['-c', unescapeDollars(check as string)], { env })).resolves.toBeDefined()
  })
})

describeWithService('postgres', 'Postgres init scripts: ordering and failures', (baseUrl) => {
  const targets: InitTarget[] = []
  const dirs: string[] = []
  afterAll(async () => {
    for (const t of targets) await dropTarget(baseUrl, t)
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('runs migrations in numeric file order, each with its schema_migrations row, skipping other files', async () => {
    const dir = tempDir('migrations')
    dirs.push(dir)
    for (const m of loadPostgresMigrations())
      copyFileSync(path.join(postgresMigrationsDir(), m.file), path.join(dir, m.file))
    const next = loadPostgresMigrations().length + 1
    const pad = (n: number): string => String(n).padStart(4, '0')
    // The later file depends on the earlier one: only numeric order works.
    writeFileSync(
      path.join(dir, `${pad(next + 1)}_probe_b.sql`),
      'ALTER TABLE stack_probe ADD COLUMN b integer;\n',
    )
    writeFileSync(path.join(dir, `${pad(next)}_probe_a.sql`), 'CREATE TABLE stack_probe (a integer);\n')
    writeFileSync(path.join(dir, 'local_seed.sql'), 'SELECT 1 FROM no_such_table;\n')
    const t = await createTarget(baseUrl)
    targets.push(t)
    const log = await runInitScripts(initEnv(t, { SCORELINE_MIGRATIONS_DIR: dir }))
    expect(log).toContain('skipping local_seed.sql')
    const url = dbUrl(t.url, t.database)
    const rows = await query<{ version: number; name: string }>(
      url,
      'SELECT version, name FROM schema_migrations ORDER BY version',
    )
    expect(rows.slice(-2)).toEqual([
      { version: next, name: 'probe_a' },
      { version: next + 1, name: 'probe_b' },
    ])
    const result = await migratePostgres(url, { dir })
    expect(result.applied).toEqual([])
  })

  it('stops at a failing migration, naming it, and leaves no partial migration behind', async () => {
    const dir = tempDir('migrations-bad')
    dirs.push(dir)
    for (const m of loadPostgresMigrations())
      copyFileSync(path.join(postgresMigrationsDir(), m.file), path.join(dir, m.file))
    const next = String(loadPostgresMigrations().length + 1).padStart(4, '0')
    writeFileSync(
      path.join(dir, `${next}_broken.sql`),
      'CREATE TABLE half_done (a integer);\nSELECT no_such_column FROM leagues;\n',
    )
    const t = await createTarget(baseUrl)
    targets.push(t)
    const error = await runInitScripts(initEnv(t, { SCORELINE_MIGRATIONS_DIR: dir })).then(
      () => undefined,
      (e: { stdout: string; stderr: string }) => e,
    )
    expect(error).toBeDefined()
    expect(`${error?.stdout}${error?.stderr}`).toContain(`applying ${next}_broken.sql`)
    expect(error?.stderr).toMatch(/no_such_column/)
    const url = dbUrl(t.url, t.database)
    expect(await query(url, "SELECT to_regclass('half_done') AS t")).toEqual([{ t: null }])
    const versions = await query<{ version: number }>(url, 'SELECT version FROM schema_migrations')
    expect(versions.map((v) => v.version)).not.toContain(Number(next))
  })

  it('refuses to start without the migrations folder mounted', async () => {
    const t = await createTarget(baseUrl)
    targets.push(t)
    const env = initEnv(t, { SCORELINE_MIGRATIONS_DIR: path.join(tempDir('empty'), 'missing') })
    await expect(run(path.join(INITDB, '20-scoreline-migrations.sh'), [], { env })).rejects.toMatchObject({
      stderr: expect.stringContaining('is missing (is it mounted?)'),
    })
  })
})
