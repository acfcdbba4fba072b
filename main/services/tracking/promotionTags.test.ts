import { describe, expect, it } from 'vitest'
import { openMemoryTrackingDatabase } from './localSchema'
import { PromotionLog } from './promotionLog'
import { decisionFromTags, decisionTags, PROMOTION_TAGS } from './promotionTags'
import { versionDecision } from './versionDecision'

const record = {
  id: 1,
  decisionId: 'd-1',
  state: 'applied' as const,
  target: 'http://mlflow',
  decidedAt: Date.UTC(2026, 11, 6, 22, 0),
  modelName: 'm',
  action: 'promote' as const,
  alias: 'champion',
  version: '3',
  previousVersion: '2',
  metric: 'rps',
  candidateScore: 0.1987123,
  championScore: 0.2001,
  margin: 0.001,
  decidedBy: 'scoreline:pipeline:cli',
  reason: 'promoted: beat v2',
  matches: 377,
  matchesIdentical: false,
}

describe('promotion tags (#21)', () => {
  it('are few and short, and read back to the same figures', () => {
    const tags = decisionTags(record)
    expect(Object.keys(tags)).toHaveLength(7)
    for (const value of Object.values(tags)) expect(value.length).toBeLessThanOrEqual(40)
    expect(tags[PROMOTION_TAGS.scores]).toBe('rps 0.198712 vs v2 0.200100')
    expect(tags[PROMOTION_TAGS.n]).toBe('377 common')
    expect(decisionFromTags(tags)).toMatchObject({
      action: 'promote',
      decisionId: 'd-1',
      candidateScore: 0.198712,
      championScore: 0.2001,
      championVersion: '2',
      margin: 0.001,
      matches: 377,
      matchSet: 'common',
      decidedAt: '2026-12-06T22:00:00.000Z',
    })
  })

  it("a version's decision is the full record its id names, else what its tags say", () => {
    const tags = decisionTags(record)
    expect(versionDecision(tags, '3', [record])).toMatchObject({ reason: 'promoted: beat v2', matches: 377 })
    expect(versionDecision(tags, '3', [])).toMatchObject({ reason: null, candidateScore: 0.198712 })
    expect(versionDecision({}, '3', [])).toBeNull()
  })

  it('a queued decision keeps its id when the replay records it applied, and follows the server version', () => {
    const log = new PromotionLog(openMemoryTrackingDatabase(), 'http://mlflow')
    const { id: _id, target: _t, ...fields } = record
    log.append({ ...fields, version: 'pending-version-k', state: 'queued' })
    log.mirror.setAlias('m', 'champion', 'pending-version-k')
    log.renameVersion('pending-version-k', '4')
    log.append({ ...fields, version: '4', state: 'applied' })
    expect(log.history('m').map((r) => [r.decisionId, r.version, r.state])).toEqual([['d-1', '4', 'applied']])
    expect(log.mirror.aliases('m')).toEqual({ champion: '4' })
  })
})
