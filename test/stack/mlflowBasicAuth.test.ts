/**
 * The basic-auth override (deploy/mlflow/basic-auth.compose.yml), run the same way: users live in the
 * auth database the init script creates, anonymous requests are refused, the admin account comes from
 * .env, and the README's recipe for creating an analyst's account works.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeWithService } from '../support/services'
import { dbUrl, dropTarget } from './initdb'
import { noCompose, request, startServer, STARTUP_MS, tables, toLocal, type Server } from './mlflowServer'
import { BASIC_AUTH_FILE, COMPOSE_FILE, root, tempDir } from './support'

/** Requests can take seconds each on a busy machine. */
const slowIt = (name: string, fn: () => Promise<void>): void => it.skipIf(noCompose)(name, fn, 120_000)

describeWithService('postgres', 'the basic-auth override, run the same way', (baseUrl) => {
  let server: Server | undefined
  const iniDir = tempDir('mlflow-auth')
  const analyst = 'analyst:an4lyst-pass'
  let admin = ''
  beforeAll(async () => {
    if (noCompose) return
    server = await startServer(baseUrl, [COMPOSE_FILE, BASIC_AUTH_FILE], (target) => {
      // The committed ini names the `postgres` service and the default role and database; the copy
      // names the local server, the test's role and its auth database. Every other line is unchanged.
      const committed = readFileSync(path.join(root, 'deploy/mlflow/basic_auth.ini'), 'utf8')
      const ini = committed.replace(/^database_uri\s*=\s*(\S+)$/m, (_line, uri: string) => {
        const local = new URL(toLocal(uri, target.url, target.mlflowAuthDb))
        local.username = target.mlflowRole
        return `database_uri = ${local.toString()}`
      })
      expect(ini).not.toBe(committed)
      const file = path.join(iniDir, 'basic_auth.ini')
      writeFileSync(file, ini)
      return { MLFLOW_AUTH_CONFIG_PATH: file }
    })
    const env = server.service.environment ?? {}
    admin = `${env.MLFLOW_AUTH_ADMIN_USERNAME}:${env.MLFLOW_AUTH_ADMIN_PASSWORD}`
  }, STARTUP_MS)
  afterAll(async () => {
    await server?.stop()
    if (server) await dropTarget(baseUrl, server.target)
    if (existsSync(iniDir)) rmSync(iniDir, { recursive: true, force: true })
  })

  slowIt('keeps its users in the auth database the init script created', async () => {
    const s = server as Server
    expect(await tables(dbUrl(s.target.url, s.target.mlflowAuthDb))).toEqual(
      expect.arrayContaining(['users', 'experiment_permissions']),
    )
  })

  slowIt(
    'refuses anonymous requests, accepts the admin from .env, and the README recipe creates a user',
    async () => {
      const s = server as Server
      const search = '/api/2.0/mlflow/experiments/search?max_results=1'
      expect((await request(s.port, 'GET', search)).status).toBe(401)
      expect((await request(s.port, 'GET', search, { auth: admin })).status).toBe(200)
      const [username, password] = analyst.split(':')
      const created = await request(s.port, 'POST', '/api/2.0/mlflow/users/create', {
        auth: admin,
        body: { username, password },
      })
      expect(created.status, created.text).toBe(200)
      expect((await request(s.port, 'GET', search, { auth: analyst })).status).toBe(200)
      const wrong = await request(s.port, 'GET', search, { auth: `${username}:wrong` })
      expect(wrong.status).toBe(401)
      // Health stays open so the container's health check needs no credentials.
      expect((await request(s.port, 'GET', '/health')).status).toBe(200)
    },
  )
})
