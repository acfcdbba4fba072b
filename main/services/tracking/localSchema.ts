/**
 * Schema of the tracking database (its own SQLite file, e.g. `<SCORELINE_HOME>/tracking.db`): the local
 * tracking store (MLflow's data model), the promotion log and the offline outbox. Applied with the shared
 * migration runner (user_version + checksums). Never edit an applied migration; add one.
 */
import type Database from 'better-sqlite3'
import { migrate } from '../data/db/migrate'
import type { Migration } from '../data/db/migrate'
import { openDatabase, openMemoryDatabase } from '../data/db/openDatabase'
import { modelDetailsMirrorMigration, runsMirrorMigration } from './runsMirrorSchema'

export const trackingMigrations: Migration[] = [
  {
    version: 1,
    name: 'tracking store, promotion log and outbox',
    up: `
CREATE TABLE tr_experiments (
  experiment_id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  artifact_location TEXT NOT NULL,
  lifecycle_stage TEXT NOT NULL DEFAULT 'active',
  creation_time INTEGER NOT NULL,
  last_update_time INTEGER NOT NULL
);
CREATE TABLE tr_experiment_tags (
  experiment_id INTEGER NOT NULL REFERENCES tr_experiments(experiment_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (experiment_id, key)
) WITHOUT ROWID;
CREATE TABLE tr_runs (
  run_id TEXT PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES tr_experiments(experiment_id),
  run_name TEXT NOT NULL,
  status TEXT NOT NULL,
  start_time INTEGER NOT NULL,
  end_time INTEGER,
  lifecycle_stage TEXT NOT NULL DEFAULT 'active',
  artifact_uri TEXT NOT NULL
);
CREATE INDEX tr_runs_by_experiment ON tr_runs (experiment_id, start_time DESC);
CREATE TABLE tr_params (
  run_id TEXT NOT NULL REFERENCES tr_runs(run_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE TABLE tr_tags (
  run_id TEXT NOT NULL REFERENCES tr_runs(run_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX tr_tags_by_key_value ON tr_tags (key, value);
-- Full history; NaN is stored as value 0 with is_nan = 1 (SQLite turns NaN into NULL), as MLflow does.
CREATE TABLE tr_metrics (
  run_id TEXT NOT NULL REFERENCES tr_runs(run_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value REAL NOT NULL,
  is_nan INTEGER NOT NULL DEFAULT 0,
  timestamp INTEGER NOT NULL,
  step INTEGER NOT NULL,
  PRIMARY KEY (run_id, key, step, timestamp, value, is_nan)
) WITHOUT ROWID;
CREATE TABLE tr_latest_metrics (
  run_id TEXT NOT NULL REFERENCES tr_runs(run_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value REAL NOT NULL,
  is_nan INTEGER NOT NULL DEFAULT 0,
  timestamp INTEGER NOT NULL,
  step INTEGER NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX tr_latest_metrics_by_key ON tr_latest_metrics (key, value);

CREATE TABLE tr_registered_models (
  name TEXT PRIMARY KEY,
  description TEXT,
  creation_time INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL
);
CREATE TABLE tr_registered_model_tags (
  name TEXT NOT NULL REFERENCES tr_registered_models(name) ON DELETE CASCADE ON UPDATE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (name, key)
) WITHOUT ROWID;
CREATE TABLE tr_model_versions (
  name TEXT NOT NULL REFERENCES tr_registered_models(name) ON DELETE CASCADE ON UPDATE CASCADE,
  version INTEGER NOT NULL,
  source TEXT NOT NULL,
  run_id TEXT,
  description TEXT,
  stage TEXT NOT NULL DEFAULT 'None',
  creation_time INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  PRIMARY KEY (name, version)
);
CREATE TABLE tr_model_version_tags (
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (name, version, key),
  FOREIGN KEY (name, version) REFERENCES tr_model_versions(name, version) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE tr_aliases (
  name TEXT NOT NULL,
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (name, alias),
  FOREIGN KEY (name, version) REFERENCES tr_model_versions(name, version) ON DELETE CASCADE
) WITHOUT ROWID;

-- MLflow keeps no alias history: every promotion decision (automatic or manual) is recorded here.
CREATE TABLE tr_promotion_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  decided_at INTEGER NOT NULL,
  target TEXT NOT NULL,
  model_name TEXT NOT NULL,
  action TEXT NOT NULL,
  alias TEXT NOT NULL,
  version TEXT NOT NULL,
  previous_version TEXT,
  metric TEXT,
  candidate_score REAL,
  champion_score REAL,
  margin REAL,
  eval_window TEXT,
  decided_by TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX tr_promotion_log_by_model ON tr_promotion_log (target, model_name, id);

-- Offline outbox: writes for a configured MLflow server that could not reach it, replayed in seq order.
CREATE TABLE tr_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  target TEXT NOT NULL,
  op TEXT NOT NULL,
  payload TEXT NOT NULL,
  blob BLOB,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'pending',
  last_error TEXT
);
CREATE INDEX tr_outbox_by_state ON tr_outbox (target, state, seq);
-- Local placeholder id (run, experiment, model version) → the id the server gave it on replay.
CREATE TABLE tr_outbox_ids (
  target TEXT NOT NULL,
  local_id TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  PRIMARY KEY (target, local_id)
) WITHOUT ROWID;
`,
  },
  {
    version: 2,
    name: 'run summaries for fast search',
    checksum: 'tracking-2-run-summary-json-v1',
    // Each run's params, tags and latest metrics as one JSON document, rewritten on every write to the
    // run, so a search hydrates 1,000 runs from 1,000 rows instead of tens of thousands.
    up: (db) => {
      db.exec(`ALTER TABLE tr_runs ADD COLUMN summary_json TEXT`)
      const ids = db.prepare('SELECT run_id FROM tr_runs').pluck().all() as string[]
      for (const runId of ids) refreshRunSummary(db, runId)
    },
  },
  {
    version: 3,
    name: 'promotion decisions: outcome, detail and the matches compared',
    // #20: a decision's label (outcome), its full account (detail, the reason being one short sentence) and
    // the n of matches both scores were taken on.
    up: `
ALTER TABLE tr_promotion_log ADD COLUMN outcome TEXT;
ALTER TABLE tr_promotion_log ADD COLUMN detail TEXT;
ALTER TABLE tr_promotion_log ADD COLUMN matches INTEGER;
ALTER TABLE tr_promotion_log ADD COLUMN matches_identical INTEGER;
`,
  },
  {
    version: 4,
    name: 'offline promotion: registry mirror and shared decision ids',
    // #21: a decision has an id (the same on MLflow's tags, the shared Postgres history and every desktop's
    // copy), and a state: 'queued' while it waits in the outbox, 'applied' once on the server. The registry
    // mirror is the champion this desktop knows (versions, aliases, per-match scores) for deciding offline.
    up: `
ALTER TABLE tr_promotion_log ADD COLUMN decision_id TEXT;
ALTER TABLE tr_promotion_log ADD COLUMN state TEXT NOT NULL DEFAULT 'applied';
CREATE UNIQUE INDEX tr_promotion_log_by_decision ON tr_promotion_log (decision_id);
CREATE TABLE tr_registry_versions (
  target TEXT NOT NULL,
  model_name TEXT NOT NULL,
  version TEXT NOT NULL,
  run_id TEXT,
  eval_window TEXT,
  protocol TEXT,
  scores_json TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (target, model_name, version)
) WITHOUT ROWID;
CREATE TABLE tr_registry_aliases (
  target TEXT NOT NULL,
  model_name TEXT NOT NULL,
  alias TEXT NOT NULL,
  version TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (target, model_name, alias)
) WITHOUT ROWID;
`,
  },
  runsMirrorMigration,
  modelDetailsMirrorMigration,
]

/** Rewrite a run's summary (params, tags, latest metrics; NaN as null) from the normalised tables. */
export function refreshRunSummary(db: Database.Database, runId: string): void {
  const params: Record<string, string> = {}
  const tags: Record<string, string> = {}
  const metrics: Record<string, number | null> = {}
  for (const [k, v] of db.prepare('SELECT key, value FROM tr_params WHERE run_id = ?').raw().all(runId) as [
    string,
    string,
  ][])
    params[k] = v
  for (const [k, v] of db.prepare('SELECT key, value FROM tr_tags WHERE run_id = ?').raw().all(runId) as [
    string,
    string,
  ][])
    tags[k] = v
  for (const [k, v, nan] of db
    .prepare('SELECT key, value, is_nan FROM tr_latest_metrics WHERE run_id = ?')
    .raw()
    .all(runId) as [string, number, number][])
    metrics[k] = nan ? null : v
  db.prepare('UPDATE tr_runs SET summary_json = ? WHERE run_id = ?').run(
    JSON.stringify({ params, tags, metrics }),
    runId,
  )
}

/** Open (creating and migrating) the tracking database file. */
export function openTrackingDatabase(file: string): Database.Database {
  return openDatabase(file, { migrations: trackingMigrations, appName: 'Scoreline (tracking store)' })
}

/** An in-memory tracking database, for tests. */
export function openMemoryTrackingDatabase(): Database.Database {
  return openMemoryDatabase({ migrations: trackingMigrations })
}

/** Migrate a database the caller opened (e.g. shared with other stores). */
export function migrateTrackingDatabase(db: Database.Database): void {
  migrate(db, trackingMigrations, { appName: 'Scoreline (tracking store)' })
}
