/**
 * For one describe block of a Postgres test: a throw-away database with every migration applied and a client
 * connected to it, made before the block's tests and ended and dropped after them.
 */
import pg from 'pg'
import { afterAll, beforeAll } from 'vitest'
import { migratePostgres } from '../postgres/migratePostgres'
import { createTestDatabase } from './pgTestDatabase'

export interface MigratedTestDatabase {
  /** Its connection string (read inside a test: set once the block's beforeAll ran). */
  readonly url: string
  /** A connected client to it. */
  readonly client: pg.Client
}

export function useMigratedTestDatabase(baseUrl: string): MigratedTestDatabase {
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined
  let client: pg.Client | undefined
  beforeAll(async () => {
    db = await createTestDatabase(baseUrl)
    await migratePostgres(db.url)
    client = new pg.Client({ connectionString: db.url })
    await client.connect()
  })
  afterAll(async () => {
    await client?.end()
    await db?.drop()
  })
  return {
    get url() {
      return db!.url
    },
    get client() {
      return client!
    },
  }
}
