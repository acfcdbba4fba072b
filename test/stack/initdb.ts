/**
 * Replays the postgres image's first start against the local server: a fresh POSTGRES_DB, then every
 * script of deploy/postgres/initdb.d executed in file-name order with the container's environment.
 */
import { execFile } from 'node:child_process'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { postgresMigrationsDir } from '../../main/services/data/postgres/migratePostgres'
import { randomName, root } from './support'

const run = promisify(execFile)
const INITDB = path.join(root, 'deploy/postgres/initdb.d')

export interface InitTarget {
  url: URL
  database: string
  mlflowRole: string
  mlflowDb: string
  mlflowAuthDb: string
}

/** The environment the entrypoint gives init scripts, pointed at the local server instead of its socket. */
export function initEnv(t: InitTarget, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    PGHOST: t.url.hostname,
    PGPORT: t.url.port || '5432',
    ...(t.url.password ? { PGPASSWORD: decodeURIComponent(t.url.password) } : {}),
    POSTGRES_USER: decodeURIComponent(t.url.username || 'postgres'),
    POSTGRES_DB: t.database,
    MLFLOW_DB_USER: t.mlflowRole,
    MLFLOW_DB_PASSWORD: "pa'ss word$1",
    MLFLOW_DB_NAME: t.mlflowDb,
    MLFLOW_AUTH_DB_NAME: t.mlflowAuthDb,
    SCORELINE_MIGRATIONS_DIR: postgresMigrationsDir(),
    ...extra,
  }
}

/** Runs every init script as the postgres image's entrypoint does: sorted, executed. */
export async function runInitScripts(env: NodeJS.ProcessEnv): Promise<string> {
  let log = ''
  for (const script of readdirSync(INITDB).sort()) {
    const { stdout, stderr } = await run(path.join(INITDB, script), [], { env, cwd: INITDB })
    log += stdout + stderr
  }
  return log
}

export function dbUrl(base: URL, database: string): string {
  const u = new URL(base)
  u.pathname = `/${database}`
  return u.toString()
}

export async function createTarget(baseUrl: string): Promise<InitTarget> {
  const t: InitTarget = {
    url: new URL(baseUrl),
    database: randomName('stack_init'),
    mlflowRole: randomName('stack_mlflow'),
    mlflowDb: randomName('stack_mlflow_db'),
    mlflowAuthDb: randomName('stack_mlflow_auth'),
  }
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  // What the image does before running the scripts: create POSTGRES_DB.
  await admin.query(`CREATE DATABASE "${t.database}"`)
  await admin.end()
  return t
}

export async function dropTarget(baseUrl: string, t: InitTarget): Promise<void> {
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  for (const db of [t.database, t.mlflowDb, t.mlflowAuthDb]) {
    await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`)
  }
  await admin.query(`DROP ROLE IF EXISTS "${t.mlflowRole}"`)
  await admin.end()
}
