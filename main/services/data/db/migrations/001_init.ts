import type { Migration } from '../migrate'

/**
 * The canonical schema of the local cache. Postgres mirrors it (postgres/migrations/0001_init.sql).
 *
 * Identity: local rows have local integer ids; rows that came from (or were pushed to) Postgres carry
 * the Postgres id in `remote_id`, so local imports and synced rows never collide. Natural keys are
 * unique: a league by code, a season by (league, code), a match by (league, date, home, away), odds by
 * (match, bookmaker, kind), an alias by (league scope, alias). `deleted = 1` is a tombstone (synced
 * deletions); readers filter it out. Timestamps are UTC ISO strings; match dates are YYYY-MM-DD.
 */
export const migration001: Migration = {
  version: 1,
  name: 'init',
  up: `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE leagues (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  country TEXT,
  tier INTEGER,
  remote_updated_at TEXT,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE TABLE seasons (
  league_code TEXT NOT NULL REFERENCES leagues(code),
  code TEXT NOT NULL CHECK (code GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
  start_date TEXT,
  end_date TEXT,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  PRIMARY KEY (league_code, code)
);

CREATE TABLE teams (
  id INTEGER PRIMARY KEY,
  remote_id INTEGER UNIQUE,
  name TEXT NOT NULL,
  country TEXT,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);
CREATE INDEX teams_name ON teams(name);

-- league_code '' means "any league" (a global alias); otherwise the alias applies within that league.
CREATE TABLE team_aliases (
  id INTEGER PRIMARY KEY,
  remote_id INTEGER UNIQUE,
  team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  league_code TEXT NOT NULL DEFAULT '',
  alias TEXT NOT NULL,
  normalized TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT 'import',
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  UNIQUE (league_code, alias)
);
CREATE INDEX team_aliases_team ON team_aliases(team_id);
CREATE INDEX team_aliases_normalized ON team_aliases(normalized);

CREATE TABLE matches (
  id INTEGER PRIMARY KEY,
  remote_id INTEGER UNIQUE,
  league_code TEXT NOT NULL REFERENCES leagues(code),
  season TEXT NOT NULL,
  date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  kickoff_time TEXT,
  home_team_id INTEGER NOT NULL REFERENCES teams(id),
  away_team_id INTEGER NOT NULL REFERENCES teams(id),
  home_goals INTEGER,
  away_goals INTEGER,
  ht_home_goals INTEGER,
  ht_away_goals INTEGER,
  home_shots INTEGER,
  away_shots INTEGER,
  home_shots_on_target INTEGER,
  away_shots_on_target INTEGER,
  home_corners INTEGER,
  away_corners INTEGER,
  home_fouls INTEGER,
  away_fouls INTEGER,
  home_yellow INTEGER,
  away_yellow INTEGER,
  home_red INTEGER,
  away_red INTEGER,
  referee TEXT,
  status TEXT NOT NULL DEFAULT 'played' CHECK (status IN ('scheduled', 'played', 'postponed', 'abandoned')),
  neutral INTEGER NOT NULL DEFAULT 0 CHECK (neutral IN (0, 1)),
  source TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  CHECK (home_team_id <> away_team_id),
  UNIQUE (league_code, date, home_team_id, away_team_id),
  FOREIGN KEY (league_code, season) REFERENCES seasons(league_code, code)
);
CREATE INDEX matches_league_season_date ON matches(league_code, season, date);
CREATE INDEX matches_home_date ON matches(home_team_id, date);
CREATE INDEX matches_away_date ON matches(away_team_id, date);
CREATE INDEX matches_date ON matches(date);

CREATE TABLE odds (
  id INTEGER PRIMARY KEY,
  remote_id INTEGER UNIQUE,
  match_id INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
  bookmaker TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('pre-match', 'closing')),
  home REAL,
  draw REAL,
  away REAL,
  captured_at TEXT,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  UNIQUE (match_id, bookmaker, kind)
);

-- Jackpots carry client-generated UUIDs, so a jackpot created offline keeps its id in Postgres.
-- remote_updated_at is the Postgres updated_at this copy was based on (conflict detection on push).
CREATE TABLE jackpots (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  provider TEXT,
  deadline TEXT,
  origin TEXT NOT NULL DEFAULT 'local' CHECK (origin IN ('local', 'remote')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  remote_updated_at TEXT,
  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

-- A fixture names a match when it resolved, otherwise keeps the free-text team names.
CREATE TABLE jackpot_fixtures (
  jackpot_id TEXT NOT NULL REFERENCES jackpots(id) ON DELETE CASCADE,
  position INTEGER NOT NULL CHECK (position >= 1),
  match_id INTEGER REFERENCES matches(id) ON DELETE SET NULL,
  league_code TEXT,
  home_name TEXT NOT NULL,
  away_name TEXT NOT NULL,
  kickoff TEXT,
  odds_home REAL,
  odds_draw REAL,
  odds_away REAL,
  pick TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (jackpot_id, position)
);

-- One row per synced Postgres table: the (updated_at, id) watermark of the last applied batch.
CREATE TABLE sync_state (
  table_name TEXT PRIMARY KEY,
  watermark_updated_at TEXT,
  watermark_id INTEGER NOT NULL DEFAULT 0,
  rows_applied INTEGER NOT NULL DEFAULT 0,
  last_synced_at TEXT
);

CREATE TABLE sync_runs (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
  rows_applied INTEGER NOT NULL DEFAULT 0,
  error TEXT
);

-- Local changes waiting to be written to Postgres; survives restarts.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'conflict', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX outbox_status ON outbox(status, id);

-- Conditional-request state of downloaded season files (ETag / Last-Modified).
CREATE TABLE downloads (
  url TEXT PRIMARY KEY,
  etag TEXT,
  last_modified TEXT,
  sha256 TEXT,
  bytes INTEGER,
  fetched_at TEXT NOT NULL
);

-- Names an import or a jackpot could not resolve to a team (for the data-quality report).
CREATE TABLE unresolved_names (
  league_code TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  suggestions TEXT NOT NULL DEFAULT '[]',
  first_seen_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  PRIMARY KEY (league_code, name)
);
`,
}
