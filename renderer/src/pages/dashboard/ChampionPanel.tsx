import { useEffect } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import { useTrackingStore } from '../../stores/trackingStore'
import { useNavigationStore } from '../../stores/navigationStore'
import { ModelSummaryTable } from '../../components/ModelSummaryTable'

/**
 * The champion model per league: its version, when it was trained, and its RPS — saying which forecast it is —
 * against the market's on its last evaluation window (the same table as the Models screen's). Reads the registry through the tracking store, so a promotion on
 * the Models screen or a finished pipeline updates it.
 */
export function ChampionPanel({ api }: { api: ScorelineApi }) {
  const { models, loadModels, openModel, watch } = useTrackingStore()
  useEffect(() => {
    void loadModels(api)
    return watch(api)
  }, [api, loadModels, watch])
  const go = useNavigationStore((s) => s.go)
  const rows = (models.data ?? []).filter((m) => m.champion)

  return (
    <section className="panel" aria-labelledby="champions-title" data-testid="champion-panel">
      <h2 id="champions-title">Champion model per league</h2>
      {models.error && (
        <div role="status" className="error-panel" data-testid="champions-error">
          {models.error.code}: {models.error.message}{' '}
          <button type="button" onClick={() => void loadModels(api)}>
            Try again
          </button>{' '}
          <button type="button" className="link" onClick={() => go('settings')}>
            Check the MLflow connection
          </button>
        </div>
      )}
      {models.loading && !models.data && <p className="muted">Reading the model registry…</p>}
      {models.data && rows.length === 0 && (
        <p className="empty-state" data-testid="no-champions">
          No champion yet: run the training pipeline to register and promote a model per league.{' '}
          <button type="button" className="link" onClick={() => go('training')}>
            Go to Training
          </button>
        </p>
      )}
      {rows.length > 0 && (
        <ModelSummaryTable
          models={rows}
          testId="champions-table"
          rowTestId={(m) => `champion-${m.league ?? m.name}`}
          onOpen={(name) => {
            void openModel(api, name)
            go('models')
          }}
        />
      )}
    </section>
  )
}
