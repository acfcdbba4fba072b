/**
 * Downloads football-data.co.uk season files and imports them.
 *
 * - URL: `<base>/mmz4281/<yyyy>/<league>.csv` (2023-24 → 2324); base from the option, else
 *   SCORELINE_FOOTBALL_DATA_URL, else https://www.football-data.co.uk.
 * - Conditional requests: the ETag / Last-Modified of the last successfully imported copy are sent
 *   back; a 304 costs one round trip and imports nothing. The validators are stored (table
 *   `downloads`) only after the import succeeded, so a failed import is retried in full next time.
 * - Retries with exponential backoff (and Retry-After) on network errors, 429 and 5xx; a 404 is not
 *   retried. A failed season does not stop the others; its error is in its result.
 */
import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import { DataError } from '../errors'
import { importFileContents } from '../import/importFile'
import type { ImportResult } from '../import/importFile'
import { checkSeason } from '../import/planImport'

export const DEFAULT_FOOTBALL_DATA_URL = 'https://www.football-data.co.uk'

export interface DownloadProgress {
  league: string
  season: string
  /** 1-based position of this season in the request. */
  index: number
  total: number
  state: 'fetching' | 'retrying' | 'not-modified' | 'imported' | 'failed'
  attempt?: number
  bytes?: number
}

export interface DownloadOptions {
  league: string
  seasons: string[]
  baseUrl?: string
  fetch?: typeof fetch
  retries?: number
  backoffMs?: number
  timeoutMs?: number
  sleep?: (ms: number) => Promise<void>
  onProgress?: (p: DownloadProgress) => void
  signal?: AbortSignal
  /** Import even when the server says 304 / the bytes are unchanged. */
  force?: boolean
}

export interface SeasonDownload {
  season: string
  url: string
  status: 'imported' | 'not-modified' | 'failed'
  bytes?: number
  import?: ImportResult
  error?: { code: string; message: string }
}

/** `2019-20..2021-22` → ['2019-20', '2020-21', '2021-22']; a single season or a comma list also works. */
export function parseSeasonRange(spec: string): string[] {
  const out: string[] = []
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [a, b] = part.split('..').map((s) => s.trim())
    checkSeason(a, 'seasons')
    if (b === undefined) {
      out.push(a)
      continue
    }
    checkSeason(b, 'seasons')
    const from = Number(a.slice(0, 4))
    const to = Number(b.slice(0, 4))
    if (to < from)
      throw new DataError('IMPORT_INVALID', `season range ${part} runs backwards`, { seasons: spec })
    for (let y = from; y <= to; y++) out.push(`${y}-${String((y + 1) % 100).padStart(2, '0')}`)
  }
  return [...new Set(out)]
}

export function footballDataBaseUrl(explicit?: string): string {
  return (explicit ?? process.env.SCORELINE_FOOTBALL_DATA_URL ?? DEFAULT_FOOTBALL_DATA_URL).replace(
    /\/+$/,
    '',
  )
}

export function seasonUrl(baseUrl: string, league: string, season: string): string {
  const y = Number(season.slice(0, 4))
  const code = `${String(y % 100).padStart(2, '0')}${String((y + 1) % 100).padStart(2, '0')}`
  return `${footballDataBaseUrl(baseUrl)}/mmz4281/${code}/${encodeURIComponent(league)}.csv`
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function retryable(status: number): boolean {
  return status === 429 || status >= 500
}

export async function downloadSeasons(
  db: Database.Database,
  opts: DownloadOptions,
): Promise<SeasonDownload[]> {
  const base = footballDataBaseUrl(opts.baseUrl)
  const doFetch = opts.fetch ?? fetch
  const retries = opts.retries ?? 3
  const backoff = opts.backoffMs ?? 500
  const sleep = opts.sleep ?? defaultSleep
  const getState = db.prepare(
    'SELECT etag, last_modified AS lastModified, sha256 FROM downloads WHERE url = ?',
  )
  const saveState = db.prepare(
    `INSERT INTO downloads (url, etag, last_modified, sha256, bytes, fetched_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
       sha256 = excluded.sha256, bytes = excluded.bytes, fetched_at = excluded.fetched_at`,
  )
  const touch = db.prepare('UPDATE downloads SET fetched_at = ? WHERE url = ?')
  // football-data.co.uk codes are short and alphanumeric (E0, SC0, ARG); anything else cannot be a
  // season file and may not even encode into a URL (a lone surrogate made encodeURIComponent throw)
  if (!/^[A-Za-z0-9_-]{1,16}$/.test(opts.league)) {
    throw new DataError(
      'IMPORT_INVALID',
      `"${opts.league}" is not a football-data.co.uk league code (e.g. E0, SC0, ARG)`,
      {
        league: opts.league,
      },
    )
  }
  const results: SeasonDownload[] = []
  const total = opts.seasons.length
  for (const [i, season] of opts.seasons.entries()) {
    checkSeason(season, 'download')
    const url = seasonUrl(base, opts.league, season)
    const progress = (p: Omit<DownloadProgress, 'league' | 'season' | 'index' | 'total'>) =>
      opts.onProgress?.({ league: opts.league, season, index: i + 1, total, ...p })
    const known = opts.force
      ? undefined
      : (getState.get(url) as
          { etag: string | null; lastModified: string | null; sha256: string | null } | undefined)
    try {
      progress({ state: 'fetching', attempt: 1 })
      let response: Response | undefined
      for (let attempt = 1; ; attempt++) {
        if (opts.signal?.aborted) throw new DataError('DOWNLOAD_FAILED', 'download cancelled')
        const headers: Record<string, string> = {
          'user-agent': 'Scoreline (football probability workstation)',
        }
        if (known?.etag) headers['if-none-match'] = known.etag
        if (known?.lastModified) headers['if-modified-since'] = known.lastModified
        let failure: string
        try {
          const signal = opts.signal
            ? AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs ?? 30_000)])
            : AbortSignal.timeout(opts.timeoutMs ?? 30_000)
          response = await doFetch(url, { headers, signal })
          if (!retryable(response.status)) break
          failure = `HTTP ${response.status}`
        } catch (error) {
          failure = (error as Error).message
          response = undefined
        }
        if (attempt > retries) {
          throw new DataError(
            'DOWNLOAD_FAILED',
            `${url}: ${failure} after ${attempt} attempts; try again later`,
            {
              url,
              attempts: attempt,
            },
          )
        }
        const retryAfter = Number(response?.headers.get('retry-after'))
        const wait =
          Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : backoff * 2 ** (attempt - 1)
        await response?.body?.cancel().catch(() => undefined)
        progress({ state: 'retrying', attempt: attempt + 1 })
        await sleep(wait * (0.8 + Math.random() * 0.4))
      }
      if (response.status === 304) {
        touch.run(new Date().toISOString(), url)
        progress({ state: 'not-modified' })
        results.push({ season, url, status: 'not-modified' })
        continue
      }
      if (!response.ok) {
        throw new DataError(
          'DOWNLOAD_FAILED',
          response.status === 404
            ? `${url}: no such season file (HTTP 404); check the league code and season`
            : `${url}: HTTP ${response.status}`,
          { url, status: response.status },
        )
      }
      const bytes = new Uint8Array(await response.arrayBuffer())
      const sha256 = createHash('sha256').update(bytes).digest('hex')
      const etag = response.headers.get('etag')
      const lastModified = response.headers.get('last-modified')
      if (!opts.force && known?.sha256 === sha256) {
        saveState.run(url, etag, lastModified, sha256, bytes.length, new Date().toISOString())
        progress({ state: 'not-modified', bytes: bytes.length })
        results.push({ season, url, status: 'not-modified', bytes: bytes.length })
        continue
      }
      const imported = importFileContents(db, bytes, `${opts.league}_${season}.csv`, {
        league: opts.league,
        season,
        source: `football-data:${url}`,
      })
      saveState.run(url, etag, lastModified, sha256, bytes.length, new Date().toISOString())
      progress({ state: 'imported', bytes: bytes.length })
      results.push({ season, url, status: 'imported', bytes: bytes.length, import: imported })
    } catch (error) {
      const e = error as { code?: string; message: string }
      progress({ state: 'failed' })
      results.push({
        season,
        url,
        status: 'failed',
        error: { code: e.code ?? 'DOWNLOAD_FAILED', message: e.message },
      })
    }
  }
  return results
}
