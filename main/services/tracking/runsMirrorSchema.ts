/**
 * Tables of the local mirror of an MLflow server (#23, #21): its experiments, its active runs (params,
 * latest metrics and tags as one JSON document) and the last registered-models list, per server
 * (`target`), so the Experiments screen opens from SQLite and `runs list` / `models list` answer while the
 * server is unreachable. A cache: dropping these rows only costs one full search. Migration 5 of the
 * tracking database (localSchema.ts).
 */
import type { Migration } from '../data/db/migrate'

export const runsMirrorMigration: Migration = {
  version: 5,
  name: 'mirror of an MLflow server: experiments, runs and registered models',
  up: `
CREATE TABLE tr_mirror_experiments (
  target TEXT NOT NULL,
  experiment_id TEXT NOT NULL,
  name TEXT NOT NULL,
  lifecycle_stage TEXT NOT NULL,
  creation_time INTEGER,
  -- this desktop's clock (ms) when the last full search of the experiment's runs started (null: never)
  full_at INTEGER,
  -- this desktop's clock (ms) when the last refresh that covered the experiment started (the high-water mark)
  mark INTEGER,
  PRIMARY KEY (target, experiment_id)
) WITHOUT ROWID;
CREATE TABLE tr_mirror_runs (
  target TEXT NOT NULL,
  run_id TEXT NOT NULL,
  experiment_id TEXT NOT NULL,
  run_name TEXT NOT NULL,
  status TEXT NOT NULL,
  start_time INTEGER NOT NULL,
  end_time INTEGER,
  -- {"params":{…},"metrics":{…latest, non-finite as null},"tags":{…}} with sorted keys
  data_json TEXT NOT NULL,
  PRIMARY KEY (target, run_id)
) WITHOUT ROWID;
CREATE INDEX tr_mirror_runs_by_experiment ON tr_mirror_runs (target, experiment_id, start_time DESC);
CREATE TABLE tr_mirror_models (
  target TEXT NOT NULL,
  name TEXT NOT NULL,
  model_json TEXT NOT NULL,
  PRIMARY KEY (target, name)
) WITHOUT ROWID;
-- what = 'runs' | 'models' | 'deleted-check': when (this desktop's clock, ms) it last succeeded
CREATE TABLE tr_mirror_state (
  target TEXT NOT NULL,
  what TEXT NOT NULL,
  as_of INTEGER NOT NULL,
  PRIMARY KEY (target, what)
) WITHOUT ROWID;
`,
}

/**
 * Migration 6: each registered model's detail (versions with their evaluation, aliases, promotion history) as
 * this desktop last read it from the server, so `models show` and the Models page answer while it is down.
 * Refreshed by every answer and after every pipeline run (#21). A cache, like the tables above.
 */
export const modelDetailsMirrorMigration: Migration = {
  version: 6,
  name: 'mirror of an MLflow server: the detail of each registered model',
  up: `
CREATE TABLE tr_mirror_model_details (
  target TEXT NOT NULL,
  name TEXT NOT NULL,
  detail_json TEXT NOT NULL,
  -- this desktop's clock (ms) when the server gave it
  as_of INTEGER NOT NULL,
  PRIMARY KEY (target, name)
) WITHOUT ROWID;
`,
}
