import type { Migration } from '../migrate'
import { migration001 } from './001_init'
import { migration002 } from './002_deferred_indexes'
import { migration003 } from './003_packed_odds'
import { migration004 } from './004_price_snapshots'
import { migration005 } from './005_goals_prices'

/** The app database's migrations, one per schema version. Never edit an entry once released; append. */
export const appMigrations: Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
]
