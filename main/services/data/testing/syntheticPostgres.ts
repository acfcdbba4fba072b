import type pg from 'pg'

/**
 * Fills a migrated Postgres with a synthetic, valid data set for benchmarks: `matches` matches over 50
 * leagues of 20 teams, 20 seasons each, with `oddsPerMatch` (≤ 3) odds rows per match. Set-based SQL, so
 * 100,000 matches take a few seconds.
 */
export async function fillSyntheticPostgres(
  c: pg.ClientBase,
  opts: { matches?: number; oddsPerMatch?: number } = {},
): Promise<{ matches: number; odds: number }> {
  const matches = opts.matches ?? 100_000
  const oddsPerMatch = Math.min(3, opts.oddsPerMatch ?? 3)
  await c.query('BEGIN')
  await c.query(`INSERT INTO leagues (code, name, country, tier)
    SELECT 'L' || lpad(l::text, 2, '0'), 'Synthetic ' || l, 'Country ' || l, 1 FROM generate_series(0, 49) l`)
  await c.query(`INSERT INTO seasons (league_code, code)
    SELECT 'L' || lpad(l::text, 2, '0'), (2000 + s)::text || '-' || lpad(((2001 + s) % 100)::text, 2, '0')
      FROM generate_series(0, 49) l, generate_series(0, 19) s`)
  await c.query(`INSERT INTO teams (id, name, country)
    SELECT t, 'Team ' || t, 'Country ' || ((t - 1) / 20) FROM generate_series(1, 1000) t`)
  await c.query("SELECT setval(pg_get_serial_sequence('teams', 'id'), 1000)")
  await c.query(`INSERT INTO team_aliases (team_id, league_code, alias)
    SELECT t, 'L' || lpad(((t - 1) / 20)::text, 2, '0'), 'Team ' || t FROM generate_series(1, 1000) t`)
  await c.query(
    `INSERT INTO matches (league_code, season, date, home_team_id, away_team_id, home_goals, away_goals, home_shots, away_shots, status, source)
     SELECT 'L' || lpad(l::text, 2, '0'),
            (2000 + k / 100)::text || '-' || lpad(((2001 + k / 100) % 100)::text, 2, '0'),
            make_date(2000 + k / 100, 8, 1) + (k % 100),
            l * 20 + (k % 20) + 1,
            l * 20 + ((k % 20) + 1 + (k / 20) % 19) % 20 + 1,
            (g * 7) % 4, (g * 13) % 3, 10 + g % 9, 8 + g % 7, 'played', 'synthetic'
       FROM generate_series(0, $1 - 1) g, LATERAL (SELECT g % 50 AS l, g / 50 AS k) x`,
    [matches],
  )
  const books = ['B365', 'PS', 'Avg'].slice(0, oddsPerMatch)
  await c.query(
    `INSERT INTO odds (match_id, bookmaker, kind, home, draw, away)
     SELECT m.id, b, 'pre-match', 1.5 + (m.id % 50) / 10.0, 3.2 + (m.id % 7) / 10.0, 2.0 + (m.id % 40) / 10.0
       FROM matches m, unnest($1::text[]) b`,
    [books],
  )
  await c.query('COMMIT')
  await c.query('ANALYZE')
  return { matches, odds: matches * books.length }
}
