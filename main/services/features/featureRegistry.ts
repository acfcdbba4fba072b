/**
 * Registry of feature views, their versions and lineage, and the validation reports, kept in the local
 * SQLite file. The SQLite store uses it as its own registry; the Redis store mirrors its registry into
 * it so the app keeps the history even when Redis is flushed.
 */
import type Database from 'better-sqlite3'
import type { ValidationReport, VersionInfo, VersionState } from './featureStore'
import { MAX_KEPT_REPORTS } from './featureStore'
import type { Lineage, ViewDefinition } from './views'

interface VersionRow {
  view: string
  version: number
  state: Exclude<VersionState, 'expired'>
  lineage: string
  created_at: number
  created_by: string
  sealed_at: number | null
  activated_at: number | null
  retired_at: number | null
  expires_at: number | null
  entity_count: number
  last_write_at: number | null
  last_write_by: string | null
}

export function versionFromRow(row: VersionRow, now: number): VersionInfo {
  const expired = row.state === 'retired' && row.expires_at !== null && row.expires_at <= now
  return {
    view: row.view,
    version: row.version,
    state: expired ? 'expired' : row.state,
    lineage: JSON.parse(row.lineage) as Lineage,
    createdAt: row.created_at,
    createdBy: row.created_by,
    sealedAt: row.sealed_at,
    activatedAt: row.activated_at,
    retiredAt: row.retired_at,
    expiresAt: row.expires_at,
    entityCount: row.entity_count,
    lastWriteAt: row.last_write_at,
    lastWriteBy: row.last_write_by,
  }
}

/**
 * `local`: the SQLite store's own registry (tables fs_views, fs_versions, fs_validation_reports).
 * `redisMirror`: the copy of a Redis store's registry (tables fs_mirror_*), kept apart so switching
 * REDIS_URL off never makes the local store believe it holds versions that live in Redis.
 */
export type RegistryKind = 'local' | 'redisMirror'

export class FeatureRegistry {
  private readonly viewsTable: string
  private readonly versionsTable: string
  private readonly reportsTable: string

  constructor(
    private readonly db: Database.Database,
    readonly kind: RegistryKind = 'local',
  ) {
    const p = kind === 'local' ? 'fs_' : 'fs_mirror_'
    this.viewsTable = `${p}views`
    this.versionsTable = `${p}versions`
    this.reportsTable = `${p}validation_reports`
  }

  putView(definition: ViewDefinition, activeVersion: number | null, updatedAt: number): void {
    this.db
      .prepare(
        `INSERT INTO ${this.viewsTable} (name, definition, active_version, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET definition = excluded.definition,
           active_version = excluded.active_version, updated_at = excluded.updated_at`,
      )
      .run(definition.name, JSON.stringify(definition), activeVersion, updatedAt)
  }

  /** Inserts or replaces a version record (the Redis mirror writes whole records). */
  putVersion(info: VersionInfo): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO ${this.versionsTable} (view, version, state, lineage, created_at, created_by, sealed_at,
           activated_at, retired_at, expires_at, entity_count, last_write_at, last_write_by)
         VALUES (@view, @version, @state, @lineage, @createdAt, @createdBy, @sealedAt, @activatedAt, @retiredAt,
           @expiresAt, @entityCount, @lastWriteAt, @lastWriteBy)`,
      )
      .run({
        ...info,
        state: info.state === 'expired' ? 'retired' : info.state,
        lineage: JSON.stringify(info.lineage),
      })
  }

  definitions(): { definition: ViewDefinition; activeVersion: number | null; updatedAt: number }[] {
    const rows = this.db
      .prepare(`SELECT definition, active_version, updated_at FROM ${this.viewsTable} ORDER BY name`)
      .all() as {
      definition: string
      active_version: number | null
      updated_at: number
    }[]
    return rows.map((r) => ({
      definition: JSON.parse(r.definition) as ViewDefinition,
      activeVersion: r.active_version,
      updatedAt: r.updated_at,
    }))
  }

  definition(view: string): { definition: ViewDefinition; activeVersion: number | null } | undefined {
    const row = this.db
      .prepare(`SELECT definition, active_version FROM ${this.viewsTable} WHERE name = ?`)
      .get(view) as { definition: string; active_version: number | null } | undefined
    return (
      row && { definition: JSON.parse(row.definition) as ViewDefinition, activeVersion: row.active_version }
    )
  }

  versions(view: string, now: number): VersionInfo[] {
    const rows = this.db
      .prepare(`SELECT * FROM ${this.versionsTable} WHERE view = ? ORDER BY version DESC`)
      .all(view) as VersionRow[]
    return rows.map((r) => versionFromRow(r, now))
  }

  version(view: string, version: number, now: number): VersionInfo | undefined {
    const row = this.db
      .prepare(`SELECT * FROM ${this.versionsTable} WHERE view = ? AND version = ?`)
      .get(view, version) as VersionRow | undefined
    return row && versionFromRow(row, now)
  }

  putReport(report: ValidationReport): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO ${this.reportsTable} (id, view, version, at, report) VALUES (?, ?, ?, ?, ?)`,
      )
      .run(report.id, report.view, report.version, report.at, JSON.stringify(report))
    this.db
      .prepare(
        `DELETE FROM ${this.reportsTable} WHERE id NOT IN
           (SELECT id FROM ${this.reportsTable} ORDER BY at DESC, rowid DESC LIMIT ?)`,
      )
      .run(MAX_KEPT_REPORTS)
  }

  reports(view: string | undefined, limit: number): ValidationReport[] {
    const rows = (
      view
        ? this.db
            .prepare(
              `SELECT report FROM ${this.reportsTable} WHERE view = ? ORDER BY at DESC, rowid DESC LIMIT ?`,
            )
            .all(view, limit)
        : this.db
            .prepare(`SELECT report FROM ${this.reportsTable} ORDER BY at DESC, rowid DESC LIMIT ?`)
            .all(limit)
    ) as { report: string }[]
    return rows.map((r) => JSON.parse(r.report) as ValidationReport)
  }
}
