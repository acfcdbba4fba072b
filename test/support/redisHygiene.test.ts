import { describe, expect, it } from 'vitest'
import { leftBehind } from './redisHygiene'

describe('the Redis hygiene guard', () => {
  it('names what the suites created and left, by prefix, and calls out the production feature prefix', () => {
    const before = new Set(['scoreline:fs:team_ratings:active', 'someone:else:key'])
    const after = new Set([
      ...before,
      'scoreline:fs:team_ratings@4:E0s1a2b:Team 01',
      'scoreline:fs:_registry:team_ratings@4',
      'scoreline-secrets-1a2b:team_form@1:X:Team 01',
      'scoreline:test:fs:9f8e:team_form@1:E0:A',
      'scoreline:test:fs:9f8e:_reports',
    ])
    expect(leftBehind(before, after)).toEqual([
      '2 key(s) created under the production feature prefix scoreline:fs: (a test must use a key prefix of its own)',
      '1 key(s) under scoreline-secrets-1a2b:team_form@1:X: created and not deleted',
      '2 key(s) under scoreline:test:fs: created and not deleted',
    ])
  })

  it('says nothing when every key created was deleted, or when keys existing before were removed', () => {
    expect(leftBehind(new Set(['a:b', 'c:d']), new Set(['a:b']))).toEqual([])
  })
})
