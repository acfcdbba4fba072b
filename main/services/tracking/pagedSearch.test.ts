import { describe, expect, it } from 'vitest'
import { collectPages, collectPagesSpeculatively } from './pagedSearch'
import type { FetchPage, Page, SpeculativeStats } from './pagedSearch'

const ROWS = Array.from({ length: 23 }, (_, i) => `run-${i}`)
const offsetToken = (offset: number) => `offset:${offset}`

/** A server paging `rows` by offset tokens (as MLflow's stores do); `cap` is its own page-size ceiling. */
function offsetServer(rows: string[], cap = Number.POSITIVE_INFINITY) {
  const asked: (string | undefined)[] = []
  let inFlight = 0
  let maxInFlight = 0
  const fetchPage: FetchPage<string> = async (token, maxResults) => {
    asked.push(token)
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    await new Promise((resolve) => setTimeout(resolve, 1))
    inFlight--
    const start = token === undefined ? 0 : Number(/^offset:(\d+)$/.exec(token)?.[1] ?? Number.NaN)
    if (!Number.isFinite(start)) throw new Error(`bad page token ${token}`)
    const end = start + Math.min(maxResults, cap)
    const page: Page<string> = { items: rows.slice(start, end) }
    if (end < rows.length) page.nextPageToken = offsetToken(end)
    return page
  }
  return { fetchPage, asked, maxInFlight: () => maxInFlight }
}

/** A server with opaque tokens it alone can read (a cursor store, another tracking backend). */
function opaqueServer(rows: string[]) {
  const cursors = new Map<string, number>()
  let issued = 0
  const fetchPage: FetchPage<string> = async (token, maxResults) => {
    await new Promise((resolve) => setTimeout(resolve, 1))
    let start = 0
    if (token !== undefined) {
      const at = cursors.get(token)
      if (at === undefined)
        throw Object.assign(new Error('INVALID_PARAMETER_VALUE: bad page token'), { status: 400 })
      start = at
    }
    const end = start + maxResults
    const page: Page<string> = { items: rows.slice(start, end) }
    if (end < rows.length) {
      const next = `cursor-${++issued}`
      cursors.set(next, end)
      page.nextPageToken = next
    }
    return page
  }
  return { fetchPage }
}

const stats = (): SpeculativeStats => ({ requests: 0, confirmed: 0, dropped: 0 })

describe('collectPages', () => {
  it('follows tokens to the end, or stops at the limit', async () => {
    expect(await collectPages(offsetServer(ROWS).fetchPage, 5, Number.POSITIVE_INFINITY)).toEqual(ROWS)
    expect(await collectPages(offsetServer(ROWS).fetchPage, 5, 12)).toEqual(ROWS.slice(0, 12))
    expect(await collectPages(opaqueServer(ROWS).fetchPage, 4, 100)).toEqual(ROWS)
  })
})

describe('collectPagesSpeculatively', () => {
  it('returns exactly the sequential result with pages in flight together when tokens are predictable', async () => {
    for (const limit of [1, 5, 6, 10, 22, 23, 24, 1000]) {
      const server = offsetServer(ROWS)
      const s = stats()
      const got = await collectPagesSpeculatively(
        server.fetchPage,
        { pageSize: 5, limit, parallel: 2, tokenAt: offsetToken },
        s,
      )
      expect(got).toEqual(ROWS.slice(0, limit))
      if (limit > 5) {
        expect(server.maxInFlight()).toBe(2)
        expect(s.confirmed).toBe(Math.ceil(Math.min(limit, ROWS.length) / 5) - 1)
        // At most one request (the page past the end) is wasted.
        expect(s.requests - 1 - s.confirmed).toBeLessThanOrEqual(1)
      }
    }
  })

  it('keeps `parallel` requests running, never more', async () => {
    const server = offsetServer(ROWS)
    await collectPagesSpeculatively(server.fetchPage, {
      pageSize: 2,
      limit: 23,
      parallel: 4,
      tokenAt: offsetToken,
    })
    expect(server.maxInFlight()).toBe(4)
  })

  it('falls back to sequential paging when the server issues tokens of its own', async () => {
    const s = stats()
    const got = await collectPagesSpeculatively(
      opaqueServer(ROWS).fetchPage,
      { pageSize: 5, limit: 23, parallel: 3, tokenAt: offsetToken },
      s,
    )
    expect(got).toEqual(ROWS)
    expect(s.confirmed).toBe(0)
    expect(s.dropped).toBe(2)
  })

  it('falls back when the server caps the page size below what was asked (tokens then point elsewhere)', async () => {
    const s = stats()
    const got = await collectPagesSpeculatively(
      offsetServer(ROWS, 3).fetchPage,
      { pageSize: 5, limit: 23, parallel: 2, tokenAt: offsetToken },
      s,
    )
    expect(got).toEqual(ROWS)
    expect(s.confirmed).toBe(0)
  })

  it("surfaces the first page's error, and recovers from a failed speculative page by asking again", async () => {
    const failing: FetchPage<string> = async () => {
      throw new Error('503 from mlflow.example')
    }
    await expect(
      collectPagesSpeculatively(failing, { pageSize: 5, limit: 20, parallel: 2, tokenAt: offsetToken }),
    ).rejects.toThrow('503 from mlflow.example')

    const server = offsetServer(ROWS)
    let failedOnce = false
    const flaky: FetchPage<string> = async (token, max) => {
      if (token === offsetToken(5) && !failedOnce) {
        failedOnce = true
        throw new Error('connection reset')
      }
      return server.fetchPage(token, max)
    }
    const s = stats()
    expect(
      await collectPagesSpeculatively(
        flaky,
        { pageSize: 5, limit: 23, parallel: 2, tokenAt: offsetToken },
        s,
      ),
    ).toEqual(ROWS)
    expect(failedOnce).toBe(true)
    expect(s.dropped).toBeGreaterThanOrEqual(1)
  })
})
