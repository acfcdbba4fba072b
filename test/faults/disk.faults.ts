/**
 * A read-only and a full data folder. CI runs as root, and root ignores permission bits (chmod 0555 does
 * not stop it: asserted below), so the read-only folder is a tmpfs remounted read-only (EROFS for root
 * too) and the full disk is a 1 MB tmpfs. Both need mount rights (root / CAP_SYS_ADMIN); without them the
 * scenarios are skipped with that reason. Expected: a clear error that names the folder and exits 1
 * (not an internal error), nothing corrupted, and everything works again once space or write access is back.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { openDatabase, openMemoryDatabase } from '../../main/services/data/db'
import { importFile } from '../../main/services/data/import'
import { childEnv, runScoreline } from './support/childProcess'
import { scenario, skippedScenario } from './support/report'
import { writeSeasonFiles } from './support/seasonFiles'
import { snapshot } from './support/snapshots'

const root = mkdtempSync(path.join(os.tmpdir(), 'scoreline-faults-disk-'))
const mounted: string[] = []

function mount(args: string[]): void {
  execFileSync('mount', args, { stdio: 'pipe' })
}
function tryTmpfs(dir: string, size: string): string | undefined {
  mkdirSync(dir, { recursive: true })
  try {
    mount(['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir])
    mounted.push(dir)
    return undefined
  } catch (error) {
    return `cannot mount a tmpfs here (${String((error as Error).message).split('\n')[0]}); needs root or CAP_SYS_ADMIN`
  }
}

const probe = tryTmpfs(path.join(root, 'probe'), '1m')
const NAMES = ['disk: read-only data folder', 'disk: full data folder (1 MB tmpfs)']

afterAll(() => {
  for (const dir of mounted.reverse()) {
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' })
    } catch {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' })
    }
  }
  rmSync(root, { recursive: true, force: true })
})

if (probe) {
  for (const name of NAMES) skippedScenario(name, probe)
} else {
  describe('read-only and full data folders', () => {
    let files: Map<string, { league: string; season: string; rows: number }>
    let clean: ReturnType<typeof snapshot>
    beforeAll(async () => {
      const csv = path.join(root, 'csv')
      mkdirSync(csv)
      files = writeSeasonFiles(csv)
      const db = openMemoryDatabase()
      for (const f of files.keys()) await importFile(db, f)
      clean = snapshot(db)
      db.close()
    })

    scenario(NAMES[0], async (row) => {
      // What does not work as root: permission bits.
      const chmodDir = path.join(root, 'chmod')
      mkdirSync(chmodDir)
      chmodSync(chmodDir, 0o555)
      let chmodStopsUs = false
      try {
        writeFileSync(path.join(chmodDir, 'x'), 'x')
      } catch {
        chmodStopsUs = true
      }
      const asRoot = process.getuid?.() === 0
      if (asRoot) expect(chmodStopsUs, 'root writes through chmod 0555').toBe(false)

      // What does: a read-only mount.
      const home = path.join(root, 'ro-home')
      expect(tryTmpfs(home, '16m')).toBeUndefined()
      const [first] = [...files.keys()]
      const seed = openDatabase(path.join(home, 'scoreline.sqlite'))
      await importFile(seed, first)
      const before = snapshot(seed)
      seed.close()
      mount(['-o', 'remount,ro', home])
      expect(() => writeFileSync(path.join(home, 'x'), 'x')).toThrow(/EROFS/)

      const env = childEnv(root)
      const attempts = [
        ['data', 'status', '--home', home, '--json'],
        ['import', ...[...files.keys()].slice(1, 3), '--home', home, '--json'],
        ['pipeline', 'run', '--home', home, '--json'],
        ['import', first, '--db', path.join(home, 'other.sqlite'), '--json'],
      ]
      for (const argv of attempts) {
        const outcome = await runScoreline(argv, env, { timeoutMs: 60_000 })
        row.runs++
        expect(outcome.code, `${argv.join(' ')}: ${outcome.stdout}${outcome.stderr}`).toBe(1)
        const error = (JSON.parse(outcome.stdout) as { error: { code: string; message: string } }).error
        expect(error.code).toBe('DATA_FOLDER_UNUSABLE')
        expect(error.message).toContain(home)
        expect(error.message).toMatch(/read-only, full or not accessible/)
      }
      mount(['-o', 'remount,rw', home])
      const t0 = performance.now()
      const status = await runScoreline(['data', 'status', '--home', home, '--json'], env)
      row.recoveryMs = performance.now() - t0
      expect(status.code, status.stderr).toBe(0)
      const db = new Database(path.join(home, 'scoreline.sqlite'), { readonly: true })
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      const after = snapshot(db)
      db.close()
      row.dataLost = Math.abs(after.counts.matches - before.counts.matches)
      expect(after).toEqual(before)
      row.note = `read-only tmpfs remount works as root; chmod 0555 ${chmodStopsUs ? 'stops' : 'does not stop'} this user`
    })

    scenario(NAMES[1], async (row) => {
      const home = path.join(root, 'full-home')
      expect(tryTmpfs(home, '1m')).toBeUndefined()
      const dbFile = path.join(home, 'scoreline.sqlite')
      const env = childEnv(root)
      const argv = ['import', ...files.keys(), '--db', dbFile, '--json']
      const outcome = await runScoreline(argv, env, { timeoutMs: 60_000 })
      row.runs++
      expect(outcome.code, outcome.stderr).toBe(1)
      const report = JSON.parse(outcome.stdout) as {
        files?: { ok: boolean; file: string; error?: { code: string; message: string } }[]
        error?: { code: string; message: string }
      }
      const failed = report.files ? report.files.filter((f) => !f.ok) : []
      const messages = report.error ? [report.error.message] : failed.map((f) => f.error!.message)
      expect(messages.length, outcome.stdout).toBeGreaterThan(0)
      for (const m of messages) expect(m).toMatch(/full/i)
      // nothing corrupted, each file whole or absent
      const db = new Database(dbFile, { readonly: true })
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      let whole = 0
      for (const f of files.values()) {
        const n = db
          .prepare('SELECT count(*) FROM matches WHERE league_code = ? AND season = ?')
          .pluck()
          .get(f.league, f.season) as number
        expect([0, f.rows]).toContain(n)
        if (n === f.rows) whole++
      }
      db.close()
      // space comes back (the same folder, grown): the import completes to the clean state
      mount(['-o', 'remount,size=64m', home])
      const t0 = performance.now()
      const rerun = await runScoreline(argv, env)
      row.recoveryMs = performance.now() - t0
      expect(rerun.code, rerun.stderr).toBe(0)
      const conn = new Database(dbFile, { readonly: true })
      const after = snapshot(conn)
      conn.close()
      row.dataLost = Math.abs(after.counts.matches - clean.counts.matches)
      expect(after).toEqual(clean)
      row.note = `${whole} of ${files.size} files fitted before the disk filled; ${failed.length} refused`
    })
  })
}
