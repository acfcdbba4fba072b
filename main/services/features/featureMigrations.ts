/**
 * Schema of the local feature store file (`features.sqlite` in the data folder), applied with the data
 * layer's migration runner (PRAGMA user_version + checksums). Append new migrations; never edit one.
 */
import type { Migration } from '../data/db/migrate'

export const featureStoreMigrations: Migration[] = [
  {
    version: 1,
    name: 'feature store: views, versions, entities, validation reports',
    up: `
      CREATE TABLE fs_views (
        name TEXT PRIMARY KEY,
        definition TEXT NOT NULL,
        active_version INTEGER,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE fs_versions (
        view TEXT NOT NULL REFERENCES fs_views(name),
        version INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('writing', 'ready', 'active', 'retired')),
        lineage TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        sealed_at INTEGER,
        activated_at INTEGER,
        retired_at INTEGER,
        expires_at INTEGER,
        entity_count INTEGER NOT NULL DEFAULT 0,
        last_write_at INTEGER,
        last_write_by TEXT,
        PRIMARY KEY (view, version)
      );
      CREATE TABLE fs_entities (
        view TEXT NOT NULL,
        version INTEGER NOT NULL,
        league TEXT NOT NULL,
        entity TEXT NOT NULL,
        event_time INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        values_json TEXT NOT NULL,
        PRIMARY KEY (view, version, league, entity)
      ) WITHOUT ROWID;
      CREATE TABLE fs_validation_reports (
        id TEXT PRIMARY KEY,
        view TEXT NOT NULL,
        version INTEGER NOT NULL,
        at INTEGER NOT NULL,
        report TEXT NOT NULL
      );
      CREATE INDEX fs_validation_reports_by_time ON fs_validation_reports (at);
    `,
  },
  {
    version: 2,
    name: 'feature store: mirror of a Redis feature store registry',
    up: `
      CREATE TABLE fs_mirror_views (
        name TEXT PRIMARY KEY,
        definition TEXT NOT NULL,
        active_version INTEGER,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE fs_mirror_versions (
        view TEXT NOT NULL,
        version INTEGER NOT NULL,
        state TEXT NOT NULL,
        lineage TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        sealed_at INTEGER,
        activated_at INTEGER,
        retired_at INTEGER,
        expires_at INTEGER,
        entity_count INTEGER NOT NULL DEFAULT 0,
        last_write_at INTEGER,
        last_write_by TEXT,
        PRIMARY KEY (view, version)
      );
      CREATE TABLE fs_mirror_validation_reports (
        id TEXT PRIMARY KEY,
        view TEXT NOT NULL,
        version INTEGER NOT NULL,
        at INTEGER NOT NULL,
        report TEXT NOT NULL
      );
    `,
  },
]
