/**
 * One football-data.co.uk file fetched the way every download does it (seasons and fixtures):
 * - conditional: the ETag / Last-Modified of the last successfully imported copy are sent back; a 304 (or
 *   a body with the same sha256) is `not-modified` and imports nothing;
 * - the validators are stored (table `downloads`) only by `commit()`, which the caller runs after its
 *   import succeeded, so a failed import is fetched in full next time;
 * - retries with exponential backoff (and Retry-After) on network errors, 429 and 5xx; other statuses
 *   (404 included) are not retried.
 */
import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import { DataError } from '../errors'

export interface FetchRetryOptions {
  fetch?: typeof fetch
  retries?: number
  backoffMs?: number
  timeoutMs?: number
  sleep?: (ms: number) => Promise<void>
  signal?: AbortSignal
  /** Fetch and import even when the server says 304 / the bytes are unchanged. */
  force?: boolean
}

export type ConditionalFetchResult =
  { status: 'not-modified'; bytes?: number } | { status: 'fetched'; bytes: Uint8Array; commit: () => void }

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function retryable(status: number): boolean {
  return status === 429 || status >= 500
}

function stateStatements(db: Database.Database) {
  return {
    get: db.prepare('SELECT etag, last_modified AS lastModified, sha256 FROM downloads WHERE url = ?'),
    save: db.prepare(
      `INSERT INTO downloads (url, etag, last_modified, sha256, bytes, fetched_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
         sha256 = excluded.sha256, bytes = excluded.bytes, fetched_at = excluded.fetched_at`,
    ),
    touch: db.prepare('UPDATE downloads SET fetched_at = ? WHERE url = ?'),
  }
}

/**
 * Fetches `url` conditionally with retries. `notFound` is the message of a 404 (after the URL); `onRetry` is told the
 * number of the attempt about to start.
 */
export async function conditionalFetch(
  db: Database.Database,
  url: string,
  opts: FetchRetryOptions & { notFound: string; onRetry?: (attempt: number) => void },
): Promise<ConditionalFetchResult> {
  const doFetch = opts.fetch ?? fetch
  const retries = opts.retries ?? 3
  const backoff = opts.backoffMs ?? 500
  const sleep = opts.sleep ?? defaultSleep
  const state = stateStatements(db)
  const known = opts.force
    ? undefined
    : (state.get.get(url) as
        { etag: string | null; lastModified: string | null; sha256: string | null } | undefined)
  let response: Response | undefined
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw new DataError('DOWNLOAD_FAILED', 'download cancelled')
    const headers: Record<string, string> = { 'user-agent': 'Scoreline (football probability workstation)' }
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
    opts.onRetry?.(attempt + 1)
    await sleep(wait * (0.8 + Math.random() * 0.4))
  }
  if (response.status === 304) {
    state.touch.run(new Date().toISOString(), url)
    return { status: 'not-modified' }
  }
  if (!response.ok) {
    throw new DataError(
      'DOWNLOAD_FAILED',
      response.status === 404 ? `${url}: ${opts.notFound}` : `${url}: HTTP ${response.status}`,
      { url, status: response.status },
    )
  }
  const bytes = new Uint8Array(await response.arrayBuffer())
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const etag = response.headers.get('etag')
  const lastModified = response.headers.get('last-modified')
  const commit = () => state.save.run(url, etag, lastModified, sha256, bytes.length, new Date().toISOString())
  if (!opts.force && known?.sha256 === sha256) {
    commit()
    return { status: 'not-modified', bytes: bytes.length }
  }
  return { status: 'fetched', bytes, commit }
}
