import type { Migration } from '../migrate'

/**
 * price_snapshots: every observation of a fixture's prices with the time it was taken (`observed_at`, UTC
 * ISO), never overwritten: an import with new prices adds a row, one with unchanged prices adds nothing.
 * Markets: '1x2' (price1..3 = home, draw, away), 'ou25' (price1/2 = over/under, line 2.5) and 'ah'
 * (price1/2 = home/away at `line`, the home side's handicap). The season file's 1X2 pre-match and closing
 * odds stay in `odds` and are read as snapshots beside these (fixtures/snapshotQueries.ts).
 *
 * The UNIQUE (match_id, bookmaker, market, observed_at) index is also the one "the latest snapshot per
 * (match, bookmaker, market) at or before t" reads (a backwards range scan per key). The two partial
 * indexes on matches hold only the scheduled rows: the fixtures to come by date, and a scheduled pairing
 * found when a fixture is moved to another date (fixtures file or season file).
 */
export const migration004: Migration = {
  version: 4,
  name: 'price_snapshots',
  up: `
CREATE TABLE price_snapshots (
  id INTEGER PRIMARY KEY,
  remote_id INTEGER UNIQUE,
  match_id INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
  bookmaker TEXT NOT NULL,
  market TEXT NOT NULL CHECK (market IN ('1x2', 'ou25', 'ah')),
  line REAL,
  price1 REAL NOT NULL,
  price2 REAL NOT NULL,
  price3 REAL,
  observed_at TEXT NOT NULL,
  source TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  UNIQUE (match_id, bookmaker, market, observed_at)
);

CREATE INDEX matches_scheduled_date ON matches(date) WHERE status = 'scheduled';
CREATE INDEX matches_scheduled_pairing ON matches(league_code, home_team_id, away_team_id) WHERE status = 'scheduled';
`,
}
