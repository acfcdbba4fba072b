/**
 * Private servers for scenarios that kill or restart a service (the shared 5432 / 6379 / MLflow are
 * never touched): a Postgres cluster built with the Debian binaries in a temp folder, and an MLflow
 * server from the project's virtualenv (scripts/mlflow-server.sh) with its SQLite backend and artifacts
 * in a temp folder. Both restart on the same port with the same data, as a real server would.
 * Redis: main/services/features/testing/throwawayRedis.ts.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

const run = promisify(execFile)
const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..')

export async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

async function waitUntil(what: string, ok: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await ok()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`)
}

function pgBinDir(): string | undefined {
  const base = '/usr/lib/postgresql'
  if (!existsSync(base)) return undefined
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a))
  for (const v of versions)
    if (existsSync(path.join(base, v, 'bin', 'initdb'))) return path.join(base, v, 'bin')
  return undefined
}

/** Why a private Postgres cannot be built here, or undefined. */
export function privatePostgresUnavailable(): string | undefined {
  if (!pgBinDir()) return 'no PostgreSQL server binaries under /usr/lib/postgresql'
  if (process.getuid?.() === 0 && spawnSync('id', ['postgres']).status !== 0)
    return 'running as root and there is no postgres user to own a cluster'
  return undefined
}

export interface PrivatePostgres {
  port: number
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string
  /** Terminates every client backend of `database` except the caller's (pg_terminate_backend). */
  terminate(database?: string): Promise<number>
  /** Immediate shutdown (no checkpoint): like a crash, clients are cut. */
  stop(): Promise<void>
  start(): Promise<void>
  dispose(): Promise<void>
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = pgBinDir()!
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-faults-pg-'))
  const data = path.join(dir, 'data')
  const asRoot = process.getuid?.() === 0
  // initdb and postgres refuse to run as root: the cluster belongs to the postgres user.
  const wrap = (cmd: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]
  if (asRoot) {
    const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres']).stdout.toString().trim())
    chownSync(dir, id('-u'), id('-g'))
  }
  await run(
    ...wrap(path.join(bin, 'initdb'), [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
      '-E',
      'UTF8',
    ]),
  )
  const port = await freePort()
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  let child: ChildProcess | null = null
  const ready = () =>
    new Promise<boolean>((resolve) => {
      const r = spawn(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q'])
      r.on('exit', (code) => resolve(code === 0))
      r.on('error', () => resolve(false))
    })
  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return
    const [cmd, args] = wrap(path.join(bin, 'postgres'), [
      '-D',
      data,
      '-p',
      String(port),
      '-h',
      '127.0.0.1',
      '-k',
      dir,
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=40',
      '-c',
      'shared_buffers=32MB',
    ])
    const proc = spawn(cmd, args, { stdio: 'ignore' })
    child = proc
    const reap = () => proc.kill('SIGKILL')
    process.once('exit', reap)
    proc.once('exit', () => process.removeListener('exit', reap))
    await waitUntil(`private Postgres on port ${port}`, ready, 30_000)
  }
  const stop = async () => {
    const proc = child
    child = null
    if (!proc || proc.exitCode !== null) return
    await run(...wrap(path.join(bin, 'pg_ctl'), ['-D', data, 'stop', '-m', 'immediate', '-w'])).catch(() => {
      proc.kill('SIGKILL')
    })
    if (proc.exitCode === null) await new Promise((r) => proc.once('exit', r))
  }
  await start()
  let admin: pg.Client | null = null
  const connectAdmin = async () => {
    const c = new pg.Client({ connectionString: url })
    c.on('error', () => undefined)
    await c.connect()
    return c
  }
  admin = await connectAdmin()
  return {
    port,
    url,
    async terminate(database?: string) {
      // One admin connection kept open (and excluded), so the kill lands within a query's time.
      const sql = `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
            WHERE pid <> pg_backend_pid() AND backend_type = 'client backend' AND ($1::text IS NULL OR datname = $1)`
      for (let attempt = 0; ; attempt++) {
        try {
          admin ??= await connectAdmin()
          const r = await admin.query(sql, [database ?? null])
          return r.rows[0].n as number
        } catch (error) {
          await admin?.end().catch(() => undefined)
          admin = null
          if (attempt > 0) throw error
        }
      }
    },
    stop,
    start,
    async dispose() {
      await admin?.end().catch(() => undefined)
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Why a private MLflow cannot be started here, or undefined. */
export function privateMlflowUnavailable(): string | undefined {
  const venv =
    process.env.SCORELINE_MLFLOW_VENV ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'scoreline', 'mlflow-venv')
  if (!existsSync(path.join(venv, 'bin', 'mlflow')))
    return `no MLflow virtualenv at ${venv} (run bash scripts/mlflow-server.sh start once)`
  return undefined
}

export interface PrivateMlflow {
  port: number
  uri: string
  /** SIGKILL of the whole server (process group): like a crash. */
  kill(): Promise<void>
  /** Starts again on the same port and backend; resolves when /health answers. */
  start(): Promise<void>
  dispose(): Promise<void>
}

export async function startPrivateMlflow(): Promise<PrivateMlflow> {
  const { stdout } = await run('bash', [path.join(repoRoot, 'scripts/mlflow-server.sh'), 'python'])
  const mlflow = path.join(path.dirname(stdout.trim()), 'mlflow')
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scoreline-faults-mlflow-'))
  const port = await freePort()
  const uri = `http://127.0.0.1:${port}`
  let child: ChildProcess | null = null
  const healthy = async () => {
    try {
      const r = await fetch(`${uri}/health`, { signal: AbortSignal.timeout(1000) })
      return r.ok
    } catch {
      return false
    }
  }
  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return
    const proc = spawn(
      mlflow,
      [
        'server',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--backend-store-uri',
        `sqlite:///${dir}/mlflow.db`,
        '--artifacts-destination',
        `${dir}/artifacts`,
        '--workers',
        '1',
      ],
      { stdio: 'ignore', detached: true },
    )
    child = proc
    const reap = () => {
      try {
        process.kill(-proc.pid!, 'SIGKILL')
      } catch {
        /* gone */
      }
    }
    process.once('exit', reap)
    proc.once('exit', () => process.removeListener('exit', reap))
    await waitUntil(
      `private MLflow on port ${port}`,
      async () => {
        if (proc.exitCode !== null) throw new Error(`mlflow server exited with ${proc.exitCode}`)
        return healthy()
      },
      120_000,
    )
  }
  const kill = async () => {
    const proc = child
    child = null
    if (!proc || proc.exitCode !== null) return
    const exited = new Promise((r) => proc.once('exit', r))
    try {
      process.kill(-proc.pid!, 'SIGKILL')
    } catch {
      proc.kill('SIGKILL')
    }
    await exited
    // the workers of the group die with it; wait until the port is free again
    await waitUntil('the killed MLflow port to close', async () => !(await healthy()), 10_000)
  }
  await start()
  return {
    port,
    uri,
    kill,
    start,
    async dispose() {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
