import { describe, expect, it } from 'vitest'
import { renderModels } from './models'

describe('models list', () => {
  it('says why the champion was scored on fewer matches than the pipeline evaluated (#20)', () => {
    const target = {
      version: '2',
      runId: 'r',
      creationTime: 0,
      rps: 0.1971,
      marketRps: 0.1971,
      evalSeason: '2031-32',
      evalFrom: '2031-08-09',
      evalTo: '2032-05-23',
      matches: 378,
      marginMethod: 'shin',
      evaluationMatches: 380,
      countsNote: '378 of 380 matches scored: 2 without odds',
    }
    const text = renderModels([
      {
        name: 'scoreline-T0',
        league: 'T0',
        description: null,
        aliases: { champion: '2' },
        lastUpdatedTime: 0,
        champion: target,
        challenger: null,
      },
    ])
    expect(text).toMatch(/2031-08-09\.\.2032-05-23 \(378 of 380 matches scored: 2 without odds\)/)
    expect(
      renderModels([
        {
          ...JSON.parse(
            JSON.stringify({
              name: 'm',
              league: null,
              description: null,
              aliases: {},
              lastUpdatedTime: 0,
              challenger: null,
            }),
          ),
          champion: { ...target, evaluationMatches: 378 },
        },
      ]),
    ).toMatch(/\(378\)/)
  })
})
