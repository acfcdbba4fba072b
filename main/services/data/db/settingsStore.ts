import type Database from 'better-sqlite3'

export interface SettingsStore {
  get(key: string): string | undefined
  set(key: string, value: string): void
  delete(key: string): void
  all(): Record<string, string>
}

/** User settings as text key/value pairs in the app database's `settings` table. */
export function createSettingsStore(
  db: Database.Database,
  now: () => Date = () => new Date(),
): SettingsStore {
  const getStmt = db.prepare('SELECT value FROM settings WHERE key = ?').pluck()
  const setStmt = db.prepare(
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
     WHERE settings.value <> excluded.value`,
  )
  const deleteStmt = db.prepare('DELETE FROM settings WHERE key = ?')
  const allStmt = db.prepare('SELECT key, value FROM settings ORDER BY key')
  return {
    get: (key) => getStmt.get(key) as string | undefined,
    set: (key, value) => {
      if (typeof value !== 'string') throw new TypeError(`setting "${key}" must be a string`)
      setStmt.run(key, value, now().toISOString())
    },
    delete: (key) => {
      deleteStmt.run(key)
    },
    all: () => {
      const out: Record<string, string> = {}
      for (const row of allStmt.all() as { key: string; value: string }[]) out[row.key] = row.value
      return out
    },
  }
}
