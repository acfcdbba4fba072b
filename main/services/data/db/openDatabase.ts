import { mkdirSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { migrate } from './migrate'
import type { Migration } from './migrate'
import { appMigrations } from './migrations/index'
import { restoreDeferredIndexes } from './deferredIndexes'
import { DataError } from '../errors'

export interface OpenOptions {
  /** Migrations to run; defaults to the app database's. */
  migrations?: Migration[]
  appName?: string
  busyTimeoutMs?: number
  readonly?: boolean
}

/**
 * The Electron app in development loads an Electron-ABI build of better-sqlite3 kept apart from the
 * Node build tests use (scripts/electron-native.mjs); main/app points this variable at it.
 */
function nativeBindingOption(): Database.Options {
  const binding = process.env.SCORELINE_SQLITE_NATIVE_BINDING
  return binding ? { nativeBinding: binding } : {}
}

function applyPragmas(db: Database.Database, busyTimeoutMs: number): void {
  db.pragma('foreign_keys = ON')
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`)
  db.pragma('synchronous = NORMAL')
}

/** File-system failures (read-only or full folder, no permission) seen while opening a database. */
const STORAGE_FAILURE = /^(SQLITE_(CANTOPEN|READONLY|FULL|IOERR|PERM)|EROFS|EACCES|EPERM|ENOSPC)/

/** A storage failure as a clear DATA_FOLDER_UNUSABLE naming the file and what to do; other errors unchanged. */
function storageError(file: string, error: unknown): unknown {
  const code = (error as { code?: unknown })?.code
  if (typeof code !== 'string' || !STORAGE_FAILURE.test(code)) return error
  const dir = path.dirname(path.resolve(file))
  return new DataError(
    'DATA_FOLDER_UNUSABLE',
    `Cannot open ${path.resolve(file)} (${code}: ${(error as Error).message}). The data folder ${dir} is ` +
      'read-only, full or not accessible: free some space, make it writable, or point Scoreline at another ' +
      'folder (--home or SCORELINE_HOME).',
    { file: path.resolve(file), sqliteCode: code },
  )
}

/**
 * Opens (creating the folder and file if needed) a SQLite database in WAL mode with foreign keys on,
 * a busy timeout and synchronous = NORMAL, then runs the migrations. Throws `DB_TOO_NEW` /
 * `DB_MIGRATION_CHECKSUM` (after closing the handle) when the file cannot be used by this build.
 */
export function openDatabase(file: string, opts: OpenOptions = {}): Database.Database {
  let db: Database.Database
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
    db = new Database(file, nativeBindingOption())
  } catch (error) {
    throw storageError(file, error)
  }
  try {
    db.pragma('journal_mode = WAL')
    applyPragmas(db, opts.busyTimeoutMs ?? 5000)
    const migrations = opts.migrations ?? appMigrations
    migrate(db, migrations, { appName: opts.appName })
    if (migrations === appMigrations) restoreDeferredIndexes(db)
    return db
  } catch (error) {
    db.close()
    throw storageError(file, error)
  }
}

/** The app's data database (`<SCORELINE_HOME>/scoreline.db` is the caller's choice of path). */
export function openAppDatabase(file: string): Database.Database {
  return openDatabase(file)
}

/** An in-memory database with the same pragmas and migrations, for tests. */
export function openMemoryDatabase(opts: Omit<OpenOptions, 'readonly'> = {}): Database.Database {
  const db = new Database(':memory:', nativeBindingOption())
  applyPragmas(db, opts.busyTimeoutMs ?? 5000)
  migrate(db, opts.migrations ?? appMigrations, { appName: opts.appName })
  return db
}
