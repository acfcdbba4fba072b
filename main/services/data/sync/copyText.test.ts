import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeWithService } from '../../../../test/support/services'
import { copyField, copyRows, parseCopyLines } from './copyText'

describe('COPY text format', () => {
  it('undoes the escapes Postgres writes and reads \\N as NULL', () => {
    expect(copyField('\\N')).toBeNull()
    expect(copyField('a\\tb\\nc\\\\d')).toBe('a\tb\nc\\d')
    expect(copyField('\\\\N')).toBe('\\N')
    expect(parseCopyLines('1\tx\n2\t\\N')).toEqual([
      ['1', 'x'],
      ['2', null],
    ])
    expect(parseCopyLines('1\t2.5\tt\tx\n\\N\t-3\tf\t\\N', ['n', 'n', 'b', 's'])).toEqual([
      [1, 2.5, true, 'x'],
      [null, -3, false, null],
    ])
  })
})

describeWithService('postgres', 'COPY rows from Postgres', (url) => {
  let c: pg.Client
  beforeAll(async () => {
    c = new pg.Client({ connectionString: url })
    await c.connect()
  })
  afterAll(async () => {
    await c?.end()
  })

  it('leaves no query timer behind on a client with query_timeout (the CLI exits after a first sync)', async () => {
    const timed = new pg.Client({ connectionString: url, query_timeout: 60_000 })
    await timed.connect()
    try {
      const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
      const before = timers()
      const { count } = await copyRows(timed, 'SELECT g FROM generate_series(1, 10) g', () => undefined)
      expect(count).toBe(10)
      // pg arms one timer per query and clears it in the query's callback; the COPY's used to stay armed
      expect(timers()).toBe(before)
      expect((await timed.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
    } finally {
      await timed.end()
    }
  })

  it('gives the same typed rows as a plain query, across chunk boundaries', async () => {
    // long rows so the stream's chunks end mid-row (and mid-character: 'é' and '⚽' are multi-byte)
    const select = `SELECT g::bigint AS id, g / 3.0::float8 AS price, g % 2 = 0 AS even,
        CASE WHEN g % 5 = 0 THEN NULL ELSE repeat('é⚽', g % 700) || E'\\t\\n\\\\' || g END AS name
      FROM generate_series(1, 3000) g`
    const plain = (await c.query(select)).rows
    const copied: unknown[][] = []
    const { names, count } = await copyRows(c, select, (rows) => copied.push(...rows))
    expect(count).toBe(3000)
    expect(names).toEqual(['id', 'price', 'even', 'name'])
    const asObjects = copied.map((v) => Object.fromEntries(names.map((name, i) => [name, v[i]])))
    expect(asObjects).toEqual(plain.map((r) => ({ ...r, id: Number(r.id) })))
  })
})
