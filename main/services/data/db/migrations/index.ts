import type { Migration } from '../migrate'
import { migration001 } from './001_init'

/** The app database's migrations, one per schema version. Never edit an entry once released; append. */
export const appMigrations: Migration[] = [migration001]
