/**
 * Starts the compose file's MLflow here: the exact `mlflow server` command line from `docker-compose
 * config` (optionally with the basic-auth override), run by the pip-installed MLflow of
 * scripts/mlflow-server.sh against a Postgres database created by the stack's own init script. Only what
 * differs between a container and this machine is changed: the bind address and port, the backend's
 * host:port (the `postgres` service name becomes the local server) and the artifacts folder. The flags,
 * the environment and the health check are used as the compose file gives them.
 */
import { execFile } from 'node:child_process'
import { rmSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { expect } from 'vitest'
import { createTarget, initEnv, runInitScripts, type InitTarget } from './initdb'
import {
  commandOf,
  composeCommand,
  composeConfig,
  envExample,
  flagValue,
  freePort,
  missingTool,
  stackPython,
  startProcess,
  tempDir,
  waitFor,
  withFlagValues,
  writeEnvFile,
  type ComposeService,
} from './support'

const run = promisify(execFile)
const compose = composeCommand()
/** Why the MLflow suites skip (no Compose to read the file with), if they do. */
export const noCompose = missingTool(
  'docker-compose',
  compose !== undefined,
  'apt-get install docker-compose',
)
/** MLflow's first start migrates an empty Postgres database: a minute or more on a busy machine. */
export const STARTUP_MS = 300_000

export interface Server {
  uri: string
  port: number
  artifacts: string
  target: InitTarget
  service: ComposeService
  stop: () => Promise<void>
}

/** Moves a postgresql URI from the `postgres` service to the local test server, keeping user, driver, db. */
export function toLocal(uri: string, base: URL, database?: string): string {
  const u = new URL(uri)
  expect(u.hostname).toBe('postgres')
  u.hostname = base.hostname
  u.port = base.port || '5432'
  if (database) u.pathname = `/${database}`
  return u.toString()
}

export async function startServer(
  baseUrl: string,
  files: string[],
  prepare?: (target: InitTarget) => Record<string, string>,
): Promise<Server> {
  const target = await createTarget(baseUrl)
  const init = initEnv(target)
  await runInitScripts(init)
  const env = new Map([
    ...envExample(),
    ['MLFLOW_DB_USER', target.mlflowRole],
    ['MLFLOW_DB_PASSWORD', String(init.MLFLOW_DB_PASSWORD)],
    ['MLFLOW_DB_NAME', target.mlflowDb],
    ['MLFLOW_AUTH_DB_NAME', target.mlflowAuthDb],
    // A sizing knob, not a behaviour: with several workers uvicorn's supervisor kills any worker that
    // misses its 5 s ping, which happens on an overloaded CI box; one worker has no supervisor.
    ['MLFLOW_WORKERS', '1'],
  ])
  const service = composeConfig(compose as string[], files, writeEnvFile(env)).services.mlflow
  const args = commandOf(service)
  const port = await freePort()
  const artifacts = tempDir('mlflow-artifacts')
  const { python, pythonPath } = stackPython()
  expect(args[0]).toBe('mlflow')
  const argv = [
    path.join(path.dirname(python), 'mlflow'),
    ...withFlagValues(args.slice(1), {
      '--host': '127.0.0.1',
      '--port': String(port),
      '--backend-store-uri': toLocal(flagValue(args, '--backend-store-uri'), target.url),
      '--artifacts-destination': artifacts,
    }),
  ]
  const containerEnv = Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, v ?? '']),
  )
  const processEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PYTHONPATH: pythonPath,
    ...containerEnv,
    ...prepare?.(target),
  }
  const proc = startProcess(argv, processEnv, artifacts)
  const healthArgv = (service.healthcheck?.test as string[]).slice(1)
  expect(healthArgv[0]).toBe('python')
  const healthy = async (): Promise<boolean> =>
    run(
      python,
      healthArgv.slice(1).map((a) => a.replace('127.0.0.1:5000', `127.0.0.1:${port}`)),
    ).then(
      () => true,
      () => false,
    )
  try {
    await waitFor("MLflow's health check", healthy, {
      timeoutMs: STARTUP_MS - 20_000,
      child: proc.child,
      log: proc.output,
    })
  } catch (error) {
    await proc.stop()
    throw error
  }
  return {
    uri: `http://127.0.0.1:${port}`,
    port,
    artifacts,
    target,
    service,
    stop: async () => {
      await proc.stop()
      rmSync(artifacts, { recursive: true, force: true })
    },
  }
}

/** A request with any Host header (fetch forbids setting it). */
export function request(
  port: number,
  method: string,
  pathname: string,
  opts: { host?: string; body?: unknown | Buffer; auth?: string } = {},
): Promise<{ status: number; text: string; json: () => Record<string, unknown> }> {
  const body =
    opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body)
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: pathname,
        headers: {
          host: opts.host ?? `127.0.0.1:${port}`,
          ...(body && !Buffer.isBuffer(opts.body) ? { 'content-type': 'application/json' } : {}),
          ...(opts.auth ? { authorization: `Basic ${Buffer.from(opts.auth).toString('base64')}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({
            status: res.statusCode ?? 0,
            text,
            json: () => JSON.parse(text) as Record<string, unknown>,
          })
        })
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

export async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ t: string }>(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public'",
    )
    return rows.map((r) => r.t)
  } finally {
    await client.end()
  }
}
