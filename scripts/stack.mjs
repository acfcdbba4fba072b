#!/usr/bin/env node
// Thin wrapper around Docker Compose for the team stack (docker-compose.yml):
//
//   npm run stack:up [-- <service>...]     docker compose up -d (and --wait for the health checks)
//   npm run stack:down [-- -v]             docker compose down (-v also deletes the data volumes)
//   npm run stack:logs [-- <service>...]   docker compose logs -f --tail 200
//
// Uses the `docker compose` plugin when present, else the standalone `docker-compose`. Extra arguments
// go to compose unchanged. Written in Node so it runs the same on Linux, macOS and Windows.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const [action, ...extra] = process.argv.slice(2)

function fail(message) {
  console.error(`stack: ${message}`)
  process.exit(1)
}

function findCompose() {
  const plugin = spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' })
  if (plugin.status === 0) return { argv: ['docker', 'compose'], plugin: true }
  const standalone = spawnSync('docker-compose', ['version'], { stdio: 'ignore' })
  if (standalone.status === 0) return { argv: ['docker-compose'], plugin: false }
  return fail(
    'neither `docker compose` nor `docker-compose` was found: install Docker (https://docs.docker.com/get-docker/)',
  )
}

function run(argv) {
  const result = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: 'inherit' })
  if (result.error) fail(result.error.message)
  return result.status ?? 1
}

/** The URLs the desktops use, from .env, with the passwords masked. */
function printClientSettings() {
  const env = Object.fromEntries(
    readFileSync(path.join(root, '.env'), 'utf8')
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  )
  const host =
    !env.STACK_BIND_ADDRESS || env.STACK_BIND_ADDRESS === '0.0.0.0' ? '127.0.0.1' : env.STACK_BIND_ADDRESS
  const user = env.POSTGRES_USER || 'scoreline'
  console.log('\nPoint Scoreline at the stack (Settings, or environment variables; see README "Team setup"):')
  console.log(
    `  DATABASE_URL=postgres://${user}:<POSTGRES_PASSWORD>@${host}:${env.POSTGRES_PORT || 5432}/${env.POSTGRES_DB || 'scoreline'}`,
  )
  console.log(`  REDIS_URL=redis://:<REDIS_PASSWORD>@${host}:${env.REDIS_PORT || 6379}`)
  console.log(`  MLFLOW_TRACKING_URI=http://${host}:${env.MLFLOW_PORT || 5000}`)
}

if (!['up', 'down', 'logs'].includes(action))
  fail('usage: node scripts/stack.mjs up|down|logs [compose arguments]')
const compose = findCompose()

if (action === 'up') {
  if (!existsSync(path.join(root, '.env'))) {
    fail('no .env next to docker-compose.yml: `cp .env.example .env`, then set every password in it')
  }
  // --wait (Compose v2) returns once every health check passes, or fails naming the service that did not.
  const status = run([...compose.argv, 'up', '-d', ...(compose.plugin ? ['--wait'] : []), ...extra])
  if (status !== 0) fail('compose up failed; `npm run stack:logs` shows why (README, Troubleshooting)')
  if (!compose.plugin) console.log('stack: started; `docker-compose ps` shows when every service is healthy')
  printClientSettings()
} else if (action === 'down') {
  process.exit(run([...compose.argv, 'down', ...extra]))
} else {
  process.exit(run([...compose.argv, 'logs', '-f', '--tail', '200', ...extra]))
}
