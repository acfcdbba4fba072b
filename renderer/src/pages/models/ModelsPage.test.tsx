import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApi, type Transport } from '../../../../shared/api/contract'
import type {
  ModelDetailDto,
  ModelVersionDto,
  RegisteredModelDto,
} from '../../../../shared/api/domains/tracking'
import { useTrackingStore } from '../../stores/trackingStore'
import { ChampionPanel } from '../dashboard/ChampionPanel'
import { ModelsPage, rollbackTarget } from './ModelsPage'
import { compareMatchSets, PromotionDialog } from './PromotionDialog'
import { fmtTime, modelVariantOf } from './format'

function fakeApi(handlers: Record<string, (input: unknown) => unknown>) {
  const calls: { name: string; input: unknown }[] = []
  const transport: Transport = {
    invoke: async (name, input) => {
      calls.push({ name, input })
      const handler = handlers[name]
      if (!handler) return { ok: false, error: { code: 'INTERNAL', message: `${name} not in test` } }
      const value = handler(input)
      return value instanceof Error
        ? { ok: false, error: { code: 'SERVICE_UNREACHABLE', message: value.message } }
        : { ok: true, value }
    },
    subscribe: () => () => {},
  }
  return { api: buildApi(transport), calls }
}

const target = (version: string, rps: number) => ({
  version,
  runId: `run${version}`,
  creationTime: 1_700_000_000_000,
  rps,
  marketRps: 0.2,
  modelRps: 0.2005,
  served: 'market (blend off)',
  countsNote: '378 of 380 matches scored: 2 without odds',
  evalSeason: '2023-24',
  evalFrom: '2023-08-11',
  evalTo: '2024-05-19',
  matches: 380,
  marginMethod: 'shin',
})

const model = (champion: string, challenger: string | null): RegisteredModelDto => ({
  name: 'scoreline-E0',
  league: 'E0',
  description: 'Dixon-Coles + market blend for E0',
  aliases: { champion, ...(challenger ? { challenger } : {}) },
  lastUpdatedTime: 1_700_000_000_000,
  champion: target(champion, champion === '1' ? 0.199 : 0.1985),
  challenger: challenger ? target(challenger, 0.1985) : null,
})

const version = (v: string, rps: number, aliases: string[], window = 'E0:w1'): ModelVersionDto => ({
  name: 'scoreline-E0',
  version: v,
  runId: `run${v}`,
  source: `runs:/run${v}/model`,
  creationTime: 1_700_000_000_000 + Number(v),
  aliases,
  stage: 'None',
  tags: {},
  evaluation: {
    runStatus: 'FINISHED',
    runStartTime: 1_700_000_000_000,
    evalWindow: window,
    evalSeason: '2023-24',
    evalFrom: '2023-08-11',
    evalTo: '2024-05-19',
    matches: 380,
    metrics: { rps, market_rps: 0.2, calibrated_log_loss: 0.98 },
    params: {},
  },
  decision: null,
})

const detail = (champion: string): ModelDetailDto => ({
  model: model(champion, champion === '1' ? '2' : null),
  versions: [
    version('2', 0.1985, champion === '2' ? ['champion'] : ['challenger']),
    version('1', 0.199, champion === '1' ? ['champion'] : [], 'E0:w0'),
  ],
  history: [
    ...(champion === '2'
      ? [
          {
            id: 3,
            decidedAt: 3,
            modelName: 'scoreline-E0',
            action: 'manual-promote' as const,
            alias: 'champion',
            version: '2',
            previousVersion: '1',
            metric: null,
            candidateScore: null,
            championScore: null,
            margin: 0,
            evalWindow: null,
            decidedBy: 'ana via the app',
            reason: 'trust the new window',
          },
        ]
      : []),
    {
      id: 2,
      decidedAt: 2,
      modelName: 'scoreline-E0',
      action: 'challenger' as const,
      alias: 'challenger',
      version: '2',
      previousVersion: '1',
      metric: 'rps',
      candidateScore: 0.1985,
      championScore: null,
      margin: 0.001,
      evalWindow: 'E0:w1',
      decidedBy: 'scoreline:pipeline:manual',
      reason: 'champion v1 has no rps on evaluation window E0:w1',
    },
  ],
})

afterEach(() => {
  cleanup()
  useTrackingStore.setState({
    models: { data: null, loading: false, error: null },
    selectedModel: null,
    detail: { data: null, loading: false, error: null },
  })
})

describe('Models screen', () => {
  it('shows the goal-model variant of each version (its tag, else its run’s params)', async () => {
    const d = detail('1')
    d.versions[0] = { ...d.versions[0], tags: { 'scoreline.model_variant': 'shots' } }
    d.versions[1] = {
      ...d.versions[1],
      evaluation: { ...d.versions[1].evaluation!, params: { model: 'dixon-coles' } },
    }
    const { api } = fakeApi({ 'tracking.models': () => [model('1', '2')], 'tracking.model': () => d })
    await act(async () => {
      render(<ModelsPage api={api} />)
    })
    expect(within(screen.getByTestId('version-2')).getByTestId('version-variant').textContent).toBe('shots')
    expect(within(screen.getByTestId('version-1')).getByTestId('version-variant').textContent).toBe(
      'dixon-coles',
    )
    expect(modelVariantOf({ tags: {}, evaluation: null })).toBeNull()
  })

  it('marks the list and the model as this desktop’s copy when MLflow did not answer, and not otherwise', async () => {
    const asOf = Date.UTC(2026, 11, 7, 9, 30)
    const d = detail('1')
    const { api } = fakeApi({
      'tracking.models': () => [{ ...model('1', '2'), offlineAsOf: asOf }],
      'tracking.model': () => ({ ...d, model: { ...d.model, offlineAsOf: asOf } }),
    })
    await act(async () => {
      render(<ModelsPage api={api} />)
    })
    expect(screen.getByTestId('models-offline').textContent).toBe(
      `Offline, as of ${fmtTime(asOf)}: the MLflow server did not answer, so this list is this desktop's copy.`,
    )
    expect(screen.getByTestId('model-offline').textContent).toContain('this desktop')
    cleanup()
    useTrackingStore.setState({ models: { data: null, loading: false, error: null }, selectedModel: null })
    const online = fakeApi({
      'tracking.models': () => [model('1', '2')],
      'tracking.model': () => detail('1'),
    })
    await act(async () => {
      render(<ModelsPage api={online.api} />)
    })
    expect(screen.getByTestId('model-detail')).toBeTruthy()
    expect(screen.queryByTestId('models-offline')).toBeNull()
    expect(screen.queryByTestId('model-offline')).toBeNull()
  })

  it('promotes a challenger after a confirmation that shows both versions side by side', async () => {
    let champion = '1'
    const { api, calls } = fakeApi({
      'tracking.models': () => [model(champion, champion === '1' ? '2' : null)],
      'tracking.model': () => detail(champion),
      'tracking.promote': () => {
        champion = '2'
        return {
          action: 'manual-promote',
          promoted: true,
          modelName: 'scoreline-E0',
          version: '2',
          previousChampion: '1',
          decidedBy: 'ana via the app',
          reason: 'trust the new window',
          record: null,
        }
      },
    })
    await act(async () => {
      render(<ModelsPage api={api} />)
    })
    expect(within(screen.getByTestId('model-scoreline-E0')).getByTestId('model-champion').textContent).toBe(
      'v1',
    )
    expect(screen.getByTestId('version-2').textContent).toContain('challenger')
    expect(screen.getByTestId('promotion-history').textContent).toContain('challenger')

    fireEvent.click(screen.getByTestId('promote-2'))
    const dialog = screen.getByTestId('promotion-dialog')
    expect(dialog.textContent).toContain('moves from v1 to v2')
    const rows = within(screen.getByTestId('promotion-comparison')).getAllByRole('row')
    const rpsRow = rows.find((r) => r.textContent?.startsWith('RPS (served'))!
    expect(rpsRow.textContent).toContain('0.1990')
    expect(rpsRow.textContent).toContain('0.1985')
    expect(rpsRow.textContent).toContain('−0.0005')
    expect(screen.getByTestId('window-warning').textContent).toContain('different matches')

    // keyboard: Cancel has the focus, Tab from the last button wraps to the first field
    expect(document.activeElement?.textContent).toBe('Cancel')
    screen.getByTestId('confirm-promotion').focus()
    fireEvent.keyDown(screen.getByTestId('confirm-promotion'), { key: 'Tab' })
    expect(document.activeElement).toBe(within(dialog).getByLabelText(/Reason/))
    fireEvent.change(within(dialog).getByLabelText(/Reason/), { target: { value: 'trust the new window' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('confirm-promotion'))
    })
    expect(calls.find((c) => c.name === 'tracking.promote')?.input).toEqual({
      name: 'scoreline-E0',
      version: '2',
      reason: 'trust the new window',
    })
    expect(screen.queryByTestId('promotion-dialog')).toBeNull()
    expect(screen.getByTestId('promotion-notice').textContent).toContain('v2 is now the champion')
    expect(within(screen.getByTestId('model-scoreline-E0')).getByTestId('model-champion').textContent).toBe(
      'v2',
    )
    expect(screen.getByTestId('rollback').textContent).toBe('Roll back to v1')
  })

  it('keeps the dialog open with the error when the promotion fails', async () => {
    const { api } = fakeApi({
      'tracking.models': () => [model('1', '2')],
      'tracking.model': () => detail('1'),
      'tracking.promote': () => new Error('MLflow at http://mlflow:5000 is unreachable'),
    })
    await act(async () => {
      render(<ModelsPage api={api} />)
    })
    fireEvent.click(screen.getByTestId('promote-2'))
    await act(async () => {
      fireEvent.click(screen.getByTestId('confirm-promotion'))
    })
    expect(within(screen.getByTestId('promotion-dialog')).getByRole('alert').textContent).toContain(
      'unreachable',
    )
  })

  it('shows an empty registry and an unreachable one with a way forward', async () => {
    const empty = fakeApi({ 'tracking.models': () => [] })
    await act(async () => {
      render(<ModelsPage api={empty.api} />)
    })
    expect(screen.getByTestId('no-models').textContent).toContain('No registered model yet')
    cleanup()
    useTrackingStore.setState({ models: { data: null, loading: false, error: null } })
    const down = fakeApi({
      'tracking.models': () => new Error('MLflow at http://mlflow:5000 is unreachable'),
    })
    await act(async () => {
      render(<ModelsPage api={down.api} />)
    })
    expect(screen.getByTestId('models-error').textContent).toContain('SERVICE_UNREACHABLE')
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy()
  })

  it('rolls back to the version the champion replaced, per the promotion log', () => {
    expect(rollbackTarget(detail('2'))).toBe('1')
    expect(rollbackTarget(detail('1'))).toBeNull()
  })
})

describe('Dashboard champion panel', () => {
  it('shows each league’s champion with its RPS against the market', async () => {
    const { api } = fakeApi({ 'tracking.models': () => [model('1', '2')] })
    await act(async () => {
      render(<ChampionPanel api={api} />)
    })
    const row = screen.getByTestId('champion-E0')
    expect(row.textContent).toContain('scoreline-E0 v1')
    expect(row.textContent).toContain('0.1990')
    expect(row.textContent).toContain('0.2000')
    expect(row.textContent).toContain('−0.0010')
    expect(within(row).getByTestId('model-challenger').textContent).toContain('v2')
    // the RPS says which forecast it is (#20)
    expect(within(row).getByTestId('rps-forecast').textContent).toBe(
      'served: market (blend off) · model 0.2005',
    )
    // why fewer matches were scored than played, as the pipeline says it
    expect(within(row).getByTestId('counts-note').textContent).toBe(
      '378 of 380 matches scored: 2 without odds',
    )
  })

  it('is the same table as the Models screen’s rows (one component)', async () => {
    const { api } = fakeApi({
      'tracking.models': () => [model('1', '2')],
      'tracking.model': () => detail('1'),
    })
    await act(async () => {
      render(<ChampionPanel api={api} />)
    })
    const dashboardCells = [...screen.getByTestId('champion-E0').querySelectorAll('th, td')].map(
      (c) => c.textContent,
    )
    cleanup()
    await act(async () => {
      render(<ModelsPage api={api} />)
    })
    const modelsCells = [...screen.getByTestId('model-scoreline-E0').querySelectorAll('th, td')].map(
      (c) => c.textContent,
    )
    expect(modelsCells).toEqual(dashboardCells)
    expect(within(screen.getByTestId('models-table')).getByTestId('rps-forecast').textContent).toContain(
      'served: market (blend off)',
    )
  })

  it('says how to get a champion when there is none', async () => {
    const { api } = fakeApi({ 'tracking.models': () => [] })
    await act(async () => {
      render(<ChampionPanel api={api} />)
    })
    expect(screen.getByTestId('no-champions').textContent).toContain('run the training pipeline')
  })
})

describe('promote dialog: n for both, "same matches" only when identical (#20)', () => {
  const withMatches = (v: ModelVersionDto, matches: number, scoredMatches: string | null) => ({
    ...v,
    evaluation: { ...v.evaluation!, matches, scoredMatches, evalWindow: 'E0:w1' },
  })
  const open = (champion: ModelVersionDto, target: ModelVersionDto) =>
    render(
      <PromotionDialog
        action={{ kind: 'promote', modelName: 'scoreline-E0', target, current: champion }}
        busy={false}
        error={null}
        onConfirm={() => {}}
        onCancel={() => {}}
      />,
    )

  it('says "same matches" with n on both sides only when both scored the identical match ids', () => {
    open(
      withMatches(version('1', 0.199, ['champion']), 378, 'a1b2c3'),
      withMatches(version('2', 0.1985, []), 378, 'a1b2c3'),
    )
    expect(screen.getByTestId('champion-n').textContent).toBe('378 matches')
    expect(screen.getByTestId('target-n').textContent).toBe('378 matches')
    expect(screen.getByTestId('match-set').textContent).toBe('same matches')
    expect(screen.queryByTestId('window-warning')).toBeNull()
  })

  it('never says "same matches" for 378 vs 379, nor for the same window name with different match ids', () => {
    open(
      withMatches(version('1', 0.199, ['champion']), 379, 'a1b2c3'),
      withMatches(version('2', 0.1985, []), 378, 'ffffff'),
    )
    expect(screen.getByTestId('champion-n').textContent).toBe('379 matches')
    expect(screen.getByTestId('target-n').textContent).toBe('378 matches')
    expect(screen.getByTestId('match-set').textContent).toBe('different matches')
    expect(screen.getByTestId('window-warning').textContent).toContain('379 matches vs 378 matches')
    cleanup()
    const a = withMatches(version('1', 0.199, ['champion']), 378, 'a1b2c3')
    const b = withMatches(version('2', 0.1985, []), 378, 'd4e5f6')
    expect(compareMatchSets(a.evaluation, b.evaluation)).toEqual({ kind: 'different', a: 378, b: 378 })
    // without the recorded match ids an equal n and window are not proof
    const c = withMatches(version('2', 0.1985, []), 378, null)
    expect(compareMatchSets(a.evaluation, c.evaluation)?.kind).toBe('unknown')
  })
})

describe('decision texts (#20)', () => {
  it('labels a first version "champion (first version)", keeps the text short and the detail one click away', async () => {
    const d = detail('1')
    const long = `First registered version: it is the champion. ${'The model RPS 0.2005 on 378 matches. '.repeat(5)}`
    d.versions[1] = {
      ...d.versions[1],
      tags: {
        'scoreline.promotion.outcome': 'first-version',
        'scoreline.promotion.detail': long,
      },
      decision: {
        action: 'promote',
        decidedBy: 'scoreline:pipeline:manual',
        decidedAt: null,
        reason: 'First version of scoreline-E0: champion by default.',
        metric: 'rps',
        candidateScore: 0.199,
        championScore: null,
        championVersion: null,
        margin: 0.001,
      },
    }
    const { api } = fakeApi({ 'tracking.models': () => [model('1', '2')], 'tracking.model': () => d })
    await act(async () => {
      render(<ModelsPage api={api} />)
    })
    const cell = within(screen.getByTestId('version-1'))
    expect(cell.getByTestId('decision-label').textContent).toBe('champion (first version)')
    expect(cell.getByTestId('decision').textContent).not.toContain('beat the champion')
    expect(cell.getByTestId('decision-reason').textContent!.length).toBeLessThanOrEqual(123)
    const disclosure = cell.getByText('Detail').closest('details')!
    expect(disclosure.open).toBe(false)
    expect(cell.getByTestId('decision-detail').textContent).toBe(long)
  })

  it('falls back on the action for decisions recorded before outcomes: a promotion says only "promoted"', async () => {
    const d = detail('1')
    d.versions[1] = {
      ...d.versions[1],
      decision: {
        action: 'promote',
        decidedBy: null,
        decidedAt: null,
        reason: null,
        metric: null,
        candidateScore: null,
        championScore: null,
        championVersion: null,
        margin: null,
      },
    }
    const { api } = fakeApi({ 'tracking.models': () => [model('1', '2')], 'tracking.model': () => d })
    await act(async () => {
      render(<ModelsPage api={api} />)
    })
    expect(within(screen.getByTestId('version-1')).getByTestId('decision-label').textContent).toBe('promoted')
  })
})

describe('versions table at 1024 px (#20)', () => {
  it('puts the version, RPS and market RPS first, the version pinned, and names the served forecast', async () => {
    const { api } = fakeApi({
      'tracking.models': () => [model('1', '2')],
      'tracking.model': () => detail('1'),
    })
    await act(async () => {
      render(<ModelsPage api={api} />)
    })
    const table = screen.getByTestId('versions-table')
    const headers = within(table)
      .getAllByRole('columnheader')
      .map((h) => h.textContent)
    expect(headers.slice(0, 4)).toEqual(['Version', 'RPS', 'Market', 'vs market'])
    expect(within(table).getAllByRole('columnheader')[0].className).toContain('pin-left')
    expect(within(screen.getByTestId('version-1')).getByTestId('version-served').textContent).toBe(
      'served: market (blend off)',
    )
  })
})

describe('promote dialog on the identical matches (tracking.compareVersions, #20)', () => {
  const versus = (identical: boolean) => ({
    name: 'scoreline-E0',
    base: '1',
    other: '2',
    comparable: true,
    reason: null,
    comparison: {
      n: identical ? 378 : 377,
      modelN: identical ? 378 : 377,
      identical,
      candidateN: identical ? 378 : 379,
      championN: 378,
      candidateOnly: identical ? 0 : 2,
      championOnly: identical ? 0 : 1,
      candidate: { served: 0.1979, model: 0.2001 },
      champion: { served: 0.1985, model: 0.2005 },
      matchSet: 'abc123def456',
    },
    note: identical ? '378 same matches' : '377 common matches (v2 alone scored 2, v1 alone 1)',
  })

  it('shows n for both from the comparison by match id: equal and "same matches" when identical', async () => {
    const { api, calls } = fakeApi({
      'tracking.models': () => [model('1', '2')],
      'tracking.model': () => detail('1'),
      'tracking.compareVersions': () => versus(true),
    })
    await act(async () => {
      render(<ModelsPage api={api} />)
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('promote-2'))
    })
    expect(calls.find((c) => c.name === 'tracking.compareVersions')?.input).toEqual({
      name: 'scoreline-E0',
      base: '1',
      other: '2',
    })
    expect(screen.getByTestId('champion-n').textContent).toBe('378 matches')
    expect(screen.getByTestId('target-n').textContent).toBe('378 matches')
    expect(screen.getByTestId('match-set').textContent).toBe('same matches')
    expect(screen.getByTestId('versus-note').textContent).toBe('378 same matches')
  })

  it('never says "same matches" for 378 vs 379; gives both RPS on the 377 matches both scored', async () => {
    const { api } = fakeApi({
      'tracking.models': () => [model('1', '2')],
      'tracking.model': () => detail('1'),
      'tracking.compareVersions': () => versus(false),
    })
    await act(async () => {
      render(<ModelsPage api={api} />)
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('promote-2'))
    })
    expect(screen.getByTestId('champion-n').textContent).toBe('378 matches')
    expect(screen.getByTestId('target-n').textContent).toBe('379 matches')
    expect(screen.getByTestId('match-set').textContent).toBe('different matches')
    expect(screen.getByTestId('common-rps').textContent).toBe(
      'RPS on the 377 matches both scored0.19850.1979−0.0006',
    )
  })
})
