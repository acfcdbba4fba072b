import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

/**
 * In development (`npm run dev`) node_modules holds better-sqlite3 built for Node (tests and the
 * CLI need it). `node scripts/electron-native.mjs` builds the Electron-ABI copy into a cache folder;
 * this points the data layer at it (worker threads inherit the variable). Packaged apps carry the
 * Electron build in place, so nothing is needed there.
 */
export function useElectronSqliteBuild(repoRoot: string): string | null {
  if (process.env.SCORELINE_SQLITE_NATIVE_BINDING) return process.env.SCORELINE_SQLITE_NATIVE_BINDING
  try {
    const pkg = JSON.parse(
      readFileSync(path.join(repoRoot, 'node_modules/better-sqlite3/package.json'), 'utf8'),
    ) as {
      version: string
    }
    const cache =
      process.env.SCORELINE_NATIVE_CACHE || path.join(repoRoot, 'node_modules', '.cache', 'scoreline-native')
    const file = path.join(
      cache,
      `better-sqlite3-${pkg.version}-electron-${process.versions.electron}-${process.platform}-${process.arch}`,
      'better_sqlite3.node',
    )
    if (!existsSync(file)) return null
    process.env.SCORELINE_SQLITE_NATIVE_BINDING = file
    return file
  } catch {
    return null
  }
}
