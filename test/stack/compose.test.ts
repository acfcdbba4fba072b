/**
 * docker-compose.yml as Compose itself reads it (no engine needed for `config`): it validates with the
 * documented .env.example, alone and with the basic-auth override; every service has a health check and
 * a named volume; ports bind to localhost unless STACK_BIND_ADDRESS says otherwise; every variable is
 * documented; nothing secret is committed; MLflow's image matches the version the tests run.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  BASIC_AUTH_FILE,
  COMPOSE_FILE,
  commandOf,
  composeCommand,
  composeConfig,
  envExample,
  flagValue,
  missingTool,
  portOf,
  root,
  volumeOf,
  writeEnvFile,
  type ComposeModel,
} from './support'

const compose = composeCommand()
const skip = missingTool(
  'docker-compose',
  compose !== undefined,
  'apt-get install docker-compose; `docker-compose config` needs no Docker engine',
)
const SERVICES = ['postgres', 'redis', 'mlflow']

const resolved = new Map<string, ComposeModel>()

/** The resolved model (each docker-compose run costs seconds, so each input is resolved once). */
function config(files: string[], env = envExample()): ComposeModel {
  const key = JSON.stringify([files, [...env]])
  const known = resolved.get(key)
  if (known) return known
  const model = composeConfig(compose as string[], files, writeEnvFile(env))
  resolved.set(key, model)
  return model
}

function read(file: string): string {
  return readFileSync(path.join(root, file), 'utf8')
}

describe.skipIf(skip)('docker-compose.yml (resolved by docker-compose config)', { timeout: 120_000 }, () => {
  it('validates with .env.example and defines postgres 16, redis 7 and the official MLflow 3 image', () => {
    const model = config([COMPOSE_FILE])
    expect(Object.keys(model.services).sort()).toEqual([...SERVICES].sort())
    expect(model.services.postgres.image).toBe('postgres:16')
    expect(model.services.redis.image).toBe('redis:7')
    expect(model.services.mlflow.image).toMatch(/^ghcr\.io\/mlflow\/mlflow:v3\.\d+\.\d+-full$/)
  })

  it('pins the MLflow image to the version scripts/mlflow-server.sh installs for the tests', () => {
    const version = /^MLFLOW_VERSION="([^"]+)"/m.exec(read('scripts/mlflow-server.sh'))?.[1]
    expect(version).toBeTruthy()
    expect(config([COMPOSE_FILE]).services.mlflow.image).toBe(`ghcr.io/mlflow/mlflow:v${version}-full`)
    expect(read('README.md')).toContain(`ghcr.io/mlflow/mlflow:v${version}-full`)
  })

  it('gives every service a health check and a named volume', () => {
    const model = config([COMPOSE_FILE])
    const named = Object.keys(model.volumes ?? {})
    for (const name of SERVICES) {
      const service = model.services[name]
      expect(service.healthcheck?.test, `${name} health check`).toBeTruthy()
      const sources = (service.volumes ?? []).map((v) => volumeOf(v).source)
      expect(
        sources.some((s) => named.includes(s)),
        `${name} uses a named volume`,
      ).toBe(true)
    }
  })

  it('persists what matters: Postgres data, Redis append-only file, MLflow artifacts', () => {
    const model = config([COMPOSE_FILE])
    const targets = (name: string): string[] =>
      (model.services[name].volumes ?? []).map((v) => volumeOf(v).target)
    expect(targets('postgres')).toContain('/var/lib/postgresql/data')
    expect(targets('redis')).toContain('/data')
    const redis = commandOf(model.services.redis)
    expect(flagValue(redis, '--appendonly')).toBe('yes')
    const mlflow = commandOf(model.services.mlflow)
    expect(targets('mlflow')).toContain(flagValue(mlflow, '--artifacts-destination'))
    expect(mlflow).toContain('--serve-artifacts')
  })

  it('mounts the project migrations and the init scripts into the Postgres container (not copies)', () => {
    const model = config([COMPOSE_FILE])
    const mounts = new Map(
      (model.services.postgres.volumes ?? []).map((v) => [volumeOf(v).target, volumeOf(v).source]),
    )
    expect(mounts.get('/docker-entrypoint-initdb.d')).toBe(path.join(root, 'deploy/postgres/initdb.d'))
    const migrations = mounts.get('/scoreline/migrations')
    expect(migrations).toBe(path.join(root, 'main/services/data/postgres/migrations'))
    expect(
      readdirSync(migrations as string).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).length,
    ).toBeGreaterThan(0)
    for (const script of readdirSync(path.join(root, 'deploy/postgres/initdb.d'))) {
      // The entrypoint executes executable scripts and sources the others; ours must be executed.
      expect(statSync(path.join(root, 'deploy/postgres/initdb.d', script)).mode & 0o111, script).not.toBe(0)
    }
  })

  it('binds every port to 127.0.0.1 by default and to STACK_BIND_ADDRESS when set', () => {
    for (const [env, expected] of [
      [envExample(), '127.0.0.1'],
      [new Map([...envExample(), ['STACK_BIND_ADDRESS', '0.0.0.0']]), '0.0.0.0'],
    ] as const) {
      const model = config([COMPOSE_FILE], new Map(env))
      for (const name of SERVICES) {
        const ports = (model.services[name].ports ?? []).map(portOf)
        expect(ports.length, name).toBeGreaterThan(0)
        for (const port of ports) expect(port.hostIp, name).toBe(expected)
      }
    }
    // Without any .env the defaults still bind to localhost only.
    const bare = new Map([...envExample()].filter(([k]) => /PASSWORD|SECRET/.test(k)))
    for (const name of SERVICES) {
      for (const port of (config([COMPOSE_FILE], bare).services[name].ports ?? []).map(portOf)) {
        expect(port.hostIp, name).toBe('127.0.0.1')
      }
    }
  })

  it('refuses to start without the passwords, saying which variable to set', () => {
    for (const secret of ['POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'MLFLOW_DB_PASSWORD']) {
      const env = new Map(envExample())
      env.delete(secret)
      expect(() => config([COMPOSE_FILE], env), secret).toThrow(new RegExp(`set ${secret} in \\.env`))
    }
  })

  it('runs MLflow on Postgres without a password in its command line, after Postgres is healthy', () => {
    const mlflow = config([COMPOSE_FILE]).services.mlflow
    const args = commandOf(mlflow)
    expect(args.slice(0, 2)).toEqual(['mlflow', 'server'])
    const backend = new URL(flagValue(args, '--backend-store-uri'))
    expect(backend.protocol).toBe('postgresql+psycopg2:')
    expect(backend.hostname).toBe('postgres')
    expect(backend.password).toBe('')
    expect(mlflow.environment?.PGPASSWORD).toBe(envExample().get('MLFLOW_DB_PASSWORD'))
    expect(mlflow.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' } })
    expect(flagValue(args, '--host')).toBe('0.0.0.0')
    expect(flagValue(args, '--allowed-hosts')).toBe(envExample().get('MLFLOW_ALLOWED_HOSTS'))
    expect(flagValue(args, '--cors-allowed-origins')).toBe(envExample().get('MLFLOW_CORS_ALLOWED_ORIGINS'))
  })

  it('basic auth is an override that only adds --app-name basic-auth and its settings', () => {
    const base = config([COMPOSE_FILE]).services.mlflow
    const auth = config([COMPOSE_FILE, BASIC_AUTH_FILE]).services.mlflow
    expect(commandOf(auth)).toEqual([...commandOf(base), '--app-name', 'basic-auth'])
    expect(auth.environment).toMatchObject({
      ...base.environment,
      MLFLOW_AUTH_CONFIG_PATH: '/etc/scoreline/mlflow-basic-auth.ini',
      MLFLOW_AUTH_ADMIN_USERNAME: envExample().get('MLFLOW_ADMIN_USERNAME'),
      MLFLOW_AUTH_ADMIN_PASSWORD: envExample().get('MLFLOW_ADMIN_PASSWORD'),
      MLFLOW_FLASK_SERVER_SECRET_KEY: envExample().get('MLFLOW_FLASK_SECRET_KEY'),
    })
    const ini = (auth.volumes ?? [])
      .map(volumeOf)
      .find((v) => v.target === '/etc/scoreline/mlflow-basic-auth.ini')
    expect(ini?.source).toBe(path.join(root, 'deploy/mlflow/basic_auth.ini'))
    // The user store: MLflow's role on the Postgres service, in the database the init script creates.
    const uri = /^database_uri\s*=\s*(\S+)/m.exec(read('deploy/mlflow/basic_auth.ini'))?.[1] ?? ''
    const parsed = new URL(uri)
    expect(parsed.password).toBe('')
    expect([parsed.username, parsed.hostname, parsed.pathname]).toEqual([
      envExample().get('MLFLOW_DB_USER'),
      'postgres',
      `/${envExample().get('MLFLOW_AUTH_DB_NAME')}`,
    ])
  })
})

describe('stack settings and secrets', () => {
  const files = [COMPOSE_FILE, BASIC_AUTH_FILE]
  const used = new Set(files.flatMap((f) => [...read(f).matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1])))

  it('documents every variable the compose files use in .env.example, and lists nothing unused', () => {
    const documented = envExample()
    const text = read('.env.example')
    expect([...used].filter((v) => !documented.has(v))).toEqual([])
    const composeOwn = new Set(['COMPOSE_PROJECT_NAME', 'COMPOSE_FILE'])
    expect([...documented.keys()].filter((v) => !used.has(v) && !composeOwn.has(v))).toEqual([])
    // Each setting has a comment somewhere in the few lines above it.
    const lines = text.split('\n')
    for (const name of documented.keys()) {
      const at = lines.findIndex((l) => l.startsWith(`${name}=`))
      expect(
        lines.slice(Math.max(0, at - 8), at).some((l) => l.startsWith('#')),
        name,
      ).toBe(true)
    }
    expect(text).toMatch(/^#COMPOSE_FILE=docker-compose\.yml:deploy\/mlflow\/basic-auth\.compose\.yml$/m)
  })

  it('commits no secret: .env is ignored and every password in .env.example is a placeholder', () => {
    expect(execFileSync('git', ['check-ignore', '.env'], { cwd: root, encoding: 'utf8' }).trim()).toBe('.env')
    for (const [name, value] of envExample()) {
      if (/PASSWORD|SECRET/.test(name)) expect(value, name).toMatch(/^change-me/)
    }
  })

  it('npm run stack:up / stack:down / stack:logs are thin wrappers around compose', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> }
    expect(pkg.scripts['stack:up']).toBe('node scripts/stack.mjs up')
    expect(pkg.scripts['stack:down']).toBe('node scripts/stack.mjs down')
    expect(pkg.scripts['stack:logs']).toBe('node scripts/stack.mjs logs')
    expect(existsSync(path.join(root, 'scripts/stack.mjs'))).toBe(true)
  })
})
