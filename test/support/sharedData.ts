import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** `../shared/data/football-data` beside the checkout (read in place, never copied), or undefined. */
export function footballDataDir(): string | undefined {
  const dir =
    process.env.SCORELINE_FOOTBALL_DATA_DIR ?? path.resolve(repoRoot, '..', 'shared', 'data', 'football-data')
  return existsSync(dir) ? dir : undefined
}

export const SHARED_DATA_SKIP_REASON =
  'real season CSVs not found at ../shared/data/football-data (set SCORELINE_FOOTBALL_DATA_DIR)'
