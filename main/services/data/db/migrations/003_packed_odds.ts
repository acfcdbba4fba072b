import type { Migration } from '../migrate'

/**
 * packed_odds: every match carries its live odds as one JSON text (`odds_json`, an array of
 * {bookmaker, kind, home, draw, away, capturedAt} in odds-id order), so "a season's matches with their
 * odds" is one indexed read plus one JSON.parse per match instead of joining ~15 odds rows per match.
 *
 * The odds table stays the source of truth. Triggers clear `odds_json` (NULL = stale) whenever a match's
 * odds change in any way (insert, update, tombstone, delete), so no writer can leave a stale copy behind;
 * `packMatchOdds` refills the stale rows (imports and syncs call it before they commit) through the
 * partial index, and readers fall back to the odds table for any row still NULL. SQLite's JSON renders
 * doubles with 17 significant digits, so prices round-trip exactly.
 */
export const migration003: Migration = {
  version: 3,
  name: 'packed_odds',
  up: `
ALTER TABLE matches ADD COLUMN odds_json TEXT;
CREATE INDEX matches_odds_stale ON matches(id) WHERE odds_json IS NULL;

CREATE TRIGGER odds_packed_insert AFTER INSERT ON odds BEGIN
  UPDATE matches SET odds_json = NULL WHERE id = NEW.match_id AND odds_json IS NOT NULL;
END;
CREATE TRIGGER odds_packed_update AFTER UPDATE ON odds BEGIN
  UPDATE matches SET odds_json = NULL WHERE id IN (OLD.match_id, NEW.match_id) AND odds_json IS NOT NULL;
END;
CREATE TRIGGER odds_packed_delete AFTER DELETE ON odds BEGIN
  UPDATE matches SET odds_json = NULL WHERE id = OLD.match_id AND odds_json IS NOT NULL;
END;

UPDATE matches SET odds_json = (
  SELECT coalesce(json_group_array(json_object(
           'bookmaker', o.bookmaker, 'kind', o.kind, 'home', o.home, 'draw', o.draw, 'away', o.away,
           'capturedAt', o.captured_at)), '[]')
    FROM (SELECT * FROM odds WHERE match_id = matches.id AND deleted = 0 ORDER BY id) o);
`,
}
