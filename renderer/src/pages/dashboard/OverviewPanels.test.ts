import { describe, expect, it } from 'vitest'
import { attentionItems } from './OverviewPanels'
import type { AppInfo } from '../../../../shared/api/domains/app'

const info = (state: 'reachable' | 'unreachable'): AppInfo => ({
  name: 'Scoreline',
  version: '1',
  dataDir: '/d',
  runtime: { shell: 'cli', node: '20', electron: null, platform: 'linux' },
  backends: [
    {
      name: 'redis',
      role: 'r',
      configured: true,
      state,
      target: 'redis://h',
      detail: state === 'unreachable' ? 'ECONNREFUSED' : 'Redis 7',
      latencyMs: null,
    },
  ],
  checkedAt: '',
})

describe('dashboard attention rules', () => {
  const now = Date.parse('2026-11-27T12:00:00Z')
  const league = (lastDate: string) => ({
    code: 'E0',
    name: 'EPL',
    country: null,
    tier: 1,
    seasons: 1,
    matches: 380,
    teams: 20,
    firstDate: null,
    lastDate,
  })

  it('nothing to report when runs succeed, data is fresh and services answer', () => {
    expect(
      attentionItems({
        info: info('reachable'),
        training: null,
        leagues: [league('2026-11-22')],
        data: null,
        now,
      }),
    ).toEqual([])
  })

  it('flags stale data older than two weeks, unreachable services, with where to fix each', () => {
    const items = attentionItems({
      info: info('unreachable'),
      training: null,
      leagues: [league('2026-10-01')],
      data: null,
      now,
    })
    expect(items.map((i) => [i.key, i.fix.page])).toEqual([
      ['stale', 'data'],
      ['services', 'settings'],
    ])
    expect(items[0].text).toContain('E0 (latest 2026-10-01)')
    expect(items[1].text).toContain('redis (ECONNREFUSED)')
  })

  it('flags a failed pipeline run with the league and reason', () => {
    const training = {
      lastRun: {
        state: 'partial',
        leagues: [{ league: 'D1', state: 'failed', error: { code: 'MODEL_NO_DATA', message: 'no matches' } }],
      },
    } as never
    const items = attentionItems({ info: null, training, leagues: [], data: null, now })
    expect(items[0]).toMatchObject({ key: 'run', fix: { page: 'training' } })
    expect(items[0].text).toContain('D1: no matches')
  })
})
