import type { Migration } from '../migrate'

/**
 * deferred_indexes: secondary indexes a bulk load (first sync) dropped and has not yet rebuilt. Recorded
 * in the same transaction as the drop, so a load killed half-way has its indexes rebuilt on the next
 * open. matches_date goes: nothing filters matches by date alone that the other indexes don't serve.
 */
export const migration002: Migration = {
  version: 2,
  name: 'deferred_indexes',
  up: `
CREATE TABLE deferred_indexes (
  name TEXT PRIMARY KEY,
  table_name TEXT NOT NULL,
  sql TEXT NOT NULL
);
DROP INDEX matches_date;
`,
}
