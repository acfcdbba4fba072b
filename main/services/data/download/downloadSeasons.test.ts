import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { footballDataDir, SHARED_DATA_SKIP_REASON } from '../../../../test/support/sharedData'
import { openMemoryDatabase } from '../db/index'
import { startFootballDataServer } from '../testing/footballDataServer'
import type { FootballDataServer } from '../testing/footballDataServer'
import { downloadSeasons, parseSeasonRange, seasonUrl } from './downloadSeasons'
import type { DownloadProgress } from './downloadSeasons'

describe('season helpers', () => {
  it('expands season ranges and builds football-data URLs', () => {
    expect(parseSeasonRange('2019-20..2021-22')).toEqual(['2019-20', '2020-21', '2021-22'])
    expect(parseSeasonRange('2023-24, 1999-00')).toEqual(['2023-24', '1999-00'])
    expect(() => parseSeasonRange('2021-22..2019-20')).toThrow(/backwards/)
    expect(() => parseSeasonRange('2019')).toThrow(/not a season label/)
    expect(seasonUrl('http://x/', 'E0', '2023-24')).toBe('http://x/mmz4281/2324/E0.csv')
    expect(seasonUrl('http://x', 'E0', '1999-00')).toBe('http://x/mmz4281/9900/E0.csv')
  })
})

const dir = footballDataDir()
describe.skipIf(!dir)(
  `download from a loopback football-data server${dir ? '' : ` (skipped: ${SHARED_DATA_SKIP_REASON})`}`,
  () => {
    let server: FootballDataServer
    beforeAll(async () => {
      server = await startFootballDataServer(dir as string)
    })
    afterAll(async () => {
      await server?.close()
    })

    it('downloads and imports seasons, then a re-download of unchanged seasons imports nothing', async () => {
      const db = openMemoryDatabase()
      const progress: DownloadProgress[] = []
      const first = await downloadSeasons(db, {
        league: 'E0',
        seasons: ['2022-23', '2023-24'],
        baseUrl: server.url,
        onProgress: (p) => progress.push(p),
      })
      expect(first.map((r) => [r.season, r.status, r.import?.matches.inserted])).toEqual([
        ['2022-23', 'imported', 380],
        ['2023-24', 'imported', 380],
      ])
      expect(progress.filter((p) => p.state === 'imported').map((p) => p.index)).toEqual([1, 2])
      server.log.length = 0
      const again = await downloadSeasons(db, {
        league: 'E0',
        seasons: ['2022-23', '2023-24'],
        baseUrl: server.url,
      })
      expect(again.map((r) => r.status)).toEqual(['not-modified', 'not-modified'])
      expect(server.log).toEqual(['GET /mmz4281/2223/E0.csv 304', 'GET /mmz4281/2324/E0.csv 304'])
    })

    it('takes the base URL from SCORELINE_FOOTBALL_DATA_URL', async () => {
      const db = openMemoryDatabase()
      process.env.SCORELINE_FOOTBALL_DATA_URL = server.url
      try {
        const [r] = await downloadSeasons(db, { league: 'D1', seasons: ['2023-24'] })
        expect(r.url).toBe(`${server.url}/mmz4281/2324/D1.csv`)
        expect(r.status).toBe('imported')
      } finally {
        delete process.env.SCORELINE_FOOTBALL_DATA_URL
      }
    })

    it('retries transient failures with backoff and reports a missing season without retrying', async () => {
      const db = openMemoryDatabase()
      const waits: number[] = []
      server.failNext(2, 503)
      server.log.length = 0
      const results = await downloadSeasons(db, {
        league: 'SP1',
        seasons: ['2023-24', '1990-91'],
        baseUrl: server.url,
        backoffMs: 100,
        sleep: async (ms) => {
          waits.push(ms)
        },
      })
      expect(results[0].status).toBe('imported')
      expect(results[1]).toMatchObject({ status: 'failed', error: { code: 'DOWNLOAD_FAILED' } })
      expect(results[1].error?.message).toMatch(/HTTP 404/)
      expect(server.log.filter((l) => l.includes('9091'))).toHaveLength(1)
      expect(waits).toHaveLength(2)

      server.failNext(10, 500)
      const gaveUp = await downloadSeasons(db, {
        league: 'SP1',
        seasons: ['2022-23'],
        baseUrl: server.url,
        retries: 2,
        sleep: async () => undefined,
      })
      expect(gaveUp[0]).toMatchObject({ status: 'failed', error: { code: 'DOWNLOAD_FAILED' } })
      expect(gaveUp[0].error?.message).toMatch(/HTTP 500 after 3 attempts/)
      server.failNext(0)
    })
  },
)
