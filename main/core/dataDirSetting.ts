/**
 * The data folder setting. Every other setting lives in the app database, which lives in the data folder
 * itself, so the choice of folder is stored one level up: a small JSON file in the platform's default data
 * folder (`data-folder.json`), read before the app database is opened. A change takes effect at the next
 * start (the open database, logs and stores stay where they are until then).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ApiError } from '../../shared/api/errors'

export const DATA_DIR_POINTER = 'data-folder.json'

export const dataDirPointerPath = (defaultDir: string) => path.join(defaultDir, DATA_DIR_POINTER)

/** The stored data folder, or null when none is stored (or the file is unreadable). */
export function readDataDirSetting(defaultDir: string): string | null {
  try {
    const parsed = JSON.parse(readFileSync(dataDirPointerPath(defaultDir), 'utf8')) as { dataDir?: unknown }
    return typeof parsed.dataDir === 'string' && path.isAbsolute(parsed.dataDir) ? parsed.dataDir : null
  } catch {
    return null
  }
}

/** Stores (or, with null, forgets) the data folder; refuses a relative path. Written atomically. */
export function writeDataDirSetting(defaultDir: string, dir: string | null): void {
  const file = dataDirPointerPath(defaultDir)
  if (dir === null) {
    rmSync(file, { force: true })
    return
  }
  if (!path.isAbsolute(dir))
    throw new ApiError(
      'INVALID_INPUT',
      `Data folder must be an absolute path (like /home/analyst/scoreline-data), got "${dir}".`,
    )
  mkdirSync(defaultDir, { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify({ dataDir: path.normalize(dir) }, null, 2) + '\n')
  renameSync(tmp, file)
}
