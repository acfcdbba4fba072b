import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** A throw-away database on the test server: created with a random name, dropped by `drop()`. */
export async function createTestDatabase(
  baseUrl: string,
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `scoreline_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const u = new URL(baseUrl)
  u.pathname = `/${name}`
  return {
    url: u.toString(),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}
