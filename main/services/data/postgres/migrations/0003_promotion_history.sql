-- Scoreline shared database, schema 3: the team's promotion history (#21). Every alias decision a desktop
-- makes (automatic promotion, challenger, manual promote, rollback) with both scores, n, the margin, who and
-- when, so every desktop reads the same history and can roll back from it. Keyed by the deciding desktop's
-- decision id: a replay after a crash writes the same row again, never a second one. Desktops mirror it into
-- their tracking SQLite (tr_promotion_log) to read it offline. No BEGIN/COMMIT (psql init script too).

CREATE TABLE promotion_history (
  decision_id text PRIMARY KEY,
  registry text NOT NULL,
  model_name text NOT NULL,
  version text NOT NULL,
  action text NOT NULL,
  alias text NOT NULL,
  previous_version text,
  metric text,
  candidate_score double precision,
  champion_score double precision,
  margin double precision,
  matches integer,
  matches_identical boolean,
  eval_window text,
  outcome text,
  reason text NOT NULL,
  detail text,
  decided_by text NOT NULL,
  decided_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER promotion_history_touch BEFORE INSERT OR UPDATE ON promotion_history FOR EACH ROW EXECUTE FUNCTION scoreline_touch_updated_at();
CREATE INDEX promotion_history_by_model ON promotion_history(registry, model_name, decided_at DESC);

INSERT INTO schema_migrations (version, name, checksum) VALUES (3, 'promotion_history', NULL) ON CONFLICT (version) DO NOTHING;
