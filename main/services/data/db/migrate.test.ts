import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { migrate, migrationChecksum, schemaVersion } from './migrate'
import type { Migration } from './migrate'
import { openAppDatabase, openDatabase, openMemoryDatabase } from './openDatabase'
import { appMigrations } from './migrations/index'
import { createSettingsStore } from './settingsStore'
import { deferIndexes, restoreDeferredIndexes } from './deferredIndexes'
import { isDataError } from '../errors'

const m1: Migration = { version: 1, name: 'one', up: 'CREATE TABLE a (x INTEGER)' }
const m2: Migration = { version: 2, name: 'two', up: (db) => db.exec('CREATE TABLE b (y INTEGER)') }
const m3: Migration = {
  version: 3,
  name: 'three',
  up: 'CREATE TABLE c (z INTEGER); INSERT INTO nope VALUES (1)',
}

function catchError(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}

const dirs: string[] = []
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'scoreline-db-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('migrate', () => {
  it('applies pending migrations in order and records version and checksum', () => {
    const db = new Database(':memory:')
    expect(migrate(db, [m2, m1])).toEqual({ from: 0, to: 2 })
    expect(schemaVersion(db)).toBe(2)
    const rows = db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all()
    expect(rows).toEqual([
      { version: 1, name: 'one', checksum: migrationChecksum(m1) },
      { version: 2, name: 'two', checksum: migrationChecksum(m2) },
    ])
    expect(migrate(db, [m1, m2])).toEqual({ from: 2, to: 2 })
  })

  it('rolls back a failing migration entirely and keeps the previous version', () => {
    const db = new Database(':memory:')
    const error = catchError(() => migrate(db, [m1, m2, m3]))
    expect(isDataError(error, 'DB_MIGRATION_FAILED')).toBe(true)
    expect(schemaVersion(db)).toBe(2)
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'c'").pluck().get()).toBe(0)
  })

  it('refuses an applied migration that was edited', () => {
    const db = new Database(':memory:')
    migrate(db, [m1])
    const error = catchError(() => migrate(db, [{ ...m1, up: 'CREATE TABLE a (x TEXT)' }]))
    expect(isDataError(error, 'DB_MIGRATION_CHECKSUM')).toBe(true)
    expect((error as Error).message).toMatch(/migration 1 \(one\) was changed/)
  })

  it('treats CRLF and LF versions of the same migration text as equal', () => {
    const db = new Database(':memory:')
    migrate(db, [{ ...m1, up: 'CREATE TABLE a (\nx INTEGER)' }])
    expect(migrate(db, [{ ...m1, up: 'CREATE TABLE a (\r\nx INTEGER)' }])).toEqual({ from: 1, to: 1 })
  })

  it('refuses a database newer than this build before writing anything', () => {
    const db = new Database(':memory:')
    db.pragma('user_version = 7')
    const error = catchError(() => migrate(db, [m1, m2]))
    expect(isDataError(error, 'DB_TOO_NEW')).toBe(true)
    expect((error as Error).message).toBe(
      'this database was written by a newer Scoreline (schema 7, this build knows 2); update the app',
    )
    expect(
      db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'").pluck().get(),
    ).toBe(0)
  })

  it('rejects duplicate versions', () => {
    const db = new Database(':memory:')
    expect(
      isDataError(
        catchError(() => migrate(db, [m1, { ...m2, version: 1 }])),
        'DB_MIGRATION_INVALID',
      ),
    ).toBe(true)
  })
})

describe('openAppDatabase', () => {
  it('creates the folder, uses WAL and foreign keys, and migrates to the newest version', () => {
    const file = path.join(tempDir(), 'nested', 'deeper', 'scoreline.db')
    const db = openAppDatabase(file)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('synchronous', { simple: true })).toBe(1)
    expect(schemaVersion(db)).toBe(appMigrations[appMigrations.length - 1].version)
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()
    for (const t of [
      'settings',
      'leagues',
      'seasons',
      'teams',
      'team_aliases',
      'matches',
      'odds',
      'jackpots',
    ]) {
      expect(tables).toContain(t)
    }
    for (const t of ['jackpot_fixtures', 'sync_state', 'outbox']) expect(tables).toContain(t)
    db.close()
    const again = openAppDatabase(file)
    expect(schemaVersion(again)).toBe(appMigrations[appMigrations.length - 1].version)
    again.close()
  })

  it('refuses (and closes) a file written by a newer build', () => {
    const file = path.join(tempDir(), 'new.db')
    const raw = new Database(file)
    raw.pragma('user_version = 999')
    raw.close()
    const error = catchError(() => openAppDatabase(file))
    expect(isDataError(error, 'DB_TOO_NEW')).toBe(true)
    expect((error as Error).message).toContain('schema 999')
  })

  it('opens another SQLite file with its own migrations (reuse by other services)', () => {
    const file = path.join(tempDir(), 'tracking.db')
    const db = openDatabase(file, { migrations: [m1] })
    expect(schemaVersion(db)).toBe(1)
    db.close()
  })

  it('enforces the natural key of matches', () => {
    const db = openMemoryDatabase()
    const now = new Date().toISOString()
    db.prepare("INSERT INTO leagues (code, name, updated_at) VALUES ('E0', 'Premier League', ?)").run(now)
    db.prepare("INSERT INTO seasons (league_code, code, updated_at) VALUES ('E0', '2023-24', ?)").run(now)
    db.prepare("INSERT INTO teams (id, name, updated_at) VALUES (1, 'Arsenal', ?), (2, 'Chelsea', ?)").run(
      now,
      now,
    )
    const insert = db.prepare(
      `INSERT INTO matches (league_code, season, date, home_team_id, away_team_id, source, updated_at)
       VALUES ('E0', '2023-24', '2023-08-12', 1, 2, 'test', ?)`,
    )
    insert.run(now)
    expect(() => insert.run(now)).toThrow(/UNIQUE/)
  })
})

describe('settingsStore', () => {
  it('gets, sets, overwrites and lists settings', () => {
    const db = openMemoryDatabase()
    const settings = createSettingsStore(db)
    expect(settings.get('theme')).toBeUndefined()
    settings.set('theme', 'dark')
    settings.set('theme', 'light')
    settings.set('home', '/data')
    expect(settings.get('theme')).toBe('light')
    expect(settings.all()).toEqual({ home: '/data', theme: 'light' })
    settings.delete('home')
    expect(settings.all()).toEqual({ theme: 'light' })
  })
})

describe('deferred indexes', () => {
  it('rebuilds indexes a killed bulk load dropped when the database is opened again', () => {
    const file = path.join(tempDir(), 'bulk.db')
    const db = openAppDatabase(file)
    const names = () =>
      db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'matches' AND sql IS NOT NULL",
        )
        .pluck()
        .all()
    const before = names()
    expect(before.length).toBeGreaterThan(0)
    expect(deferIndexes(db, 'matches').sort()).toEqual([...before].sort())
    expect(names()).toEqual([])
    db.close()
    const again = openAppDatabase(file)
    expect(
      again
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'matches' AND sql IS NOT NULL",
        )
        .pluck()
        .all()
        .sort(),
    ).toEqual([...before].sort())
    expect(restoreDeferredIndexes(again)).toEqual([])
    again.close()
  })
})
