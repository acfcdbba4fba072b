/**
 * Downloads football-data.co.uk season files and imports them.
 *
 * - URL: `<base>/mmz4281/<yyyy>/<league>.csv` (2023-24 → 2324); base from the option, else
 *   SCORELINE_FOOTBALL_DATA_URL, else https://www.football-data.co.uk.
 * - Conditional requests, retries and backoff: download/conditionalFetch.ts (shared with the fixtures
 *   download). A failed season does not stop the others; its error is in its result.
 */
import type Database from 'better-sqlite3'
import { DataError } from '../errors'
import { importFileContents } from '../import/importFile'
import type { ImportResult } from '../import/importFile'
import { checkSeason } from '../import/planImport'
import { conditionalFetch } from './conditionalFetch'

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

export async function downloadSeasons(
  db: Database.Database,
  opts: DownloadOptions,
): Promise<SeasonDownload[]> {
  const base = footballDataBaseUrl(opts.baseUrl)
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
    try {
      progress({ state: 'fetching', attempt: 1 })
      const fetched = await conditionalFetch(db, url, {
        ...opts,
        notFound: 'no such season file (HTTP 404); check the league code and season',
        onRetry: (attempt) => progress({ state: 'retrying', attempt }),
      })
      if (fetched.status === 'not-modified') {
        progress({ state: 'not-modified', ...(fetched.bytes !== undefined ? { bytes: fetched.bytes } : {}) })
        results.push({
          season,
          url,
          status: 'not-modified',
          ...(fetched.bytes !== undefined ? { bytes: fetched.bytes } : {}),
        })
        continue
      }
      const { bytes } = fetched
      const imported = importFileContents(db, bytes, `${opts.league}_${season}.csv`, {
        league: opts.league,
        season,
        source: `football-data:${url}`,
      })
      fetched.commit()
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
