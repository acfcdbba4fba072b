import type { Migration } from '../migrate'

/**
 * goals_prices: a played match's over/under 2.5 and Asian-handicap prices from the season file, packed as
 * one text column written in the same statement as the match (`packGoalsPrices`, db/goalsPrices.ts), so
 * importing them costs one JSON.stringify per row instead of ~16 snapshot rows per match (the reverted
 * attempt took one season's import from 32 to 80 ms). NULL = the row quotes neither market (or is a
 * fixture: fixtures keep their prices as price_snapshots, migration 004).
 */
export const migration005: Migration = {
  version: 5,
  name: 'goals_prices',
  up: `
ALTER TABLE matches ADD COLUMN goals_json TEXT;
`,
}
