-- Scoreline shared database, schema 4: a played match's over/under 2.5 and Asian-handicap prices packed
-- as one text column (mirrors SQLite migration 005, main/services/data/db/migrations/005_goals_prices.ts;
-- format in main/services/data/db/goalsPrices.ts). Written by the season import in the same upsert as
-- the match, so it rides the matches sync watermark. No BEGIN/COMMIT (psql init script too).

ALTER TABLE matches ADD COLUMN goals_json text;

INSERT INTO schema_migrations (version, name, checksum) VALUES (4, 'goals_prices', NULL) ON CONFLICT (version) DO NOTHING;
