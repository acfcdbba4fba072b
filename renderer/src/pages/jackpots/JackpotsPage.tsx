import { useEffect, useState } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import { useJackpotStore } from '../../stores/jackpotStore'
import { NewJackpotForm } from './NewJackpotForm'
import { JackpotAnalysisView } from './JackpotAnalysisView'

export function JackpotsPage({ api }: { api: ScorelineApi }) {
  const {
    list,
    listError,
    selectedId,
    analysis,
    analysing,
    analysisError,
    loadList,
    select,
    setPick,
    remove,
  } = useJackpotStore()
  const [creating, setCreating] = useState(false)
  useEffect(() => {
    void loadList(api)
  }, [api, loadList])

  return (
    <section className="page" aria-labelledby="jackpots-title">
      <header className="page-header">
        <h1 id="jackpots-title">Jackpots</h1>
        <button type="button" onClick={() => setCreating(!creating)}>
          {creating ? 'Close' : 'New jackpot'}
        </button>
      </header>
      {creating && (
        <NewJackpotForm
          api={api}
          onCreated={(id) => {
            setCreating(false)
            void loadList(api)
            void select(api, id)
          }}
        />
      )}
      {listError && (
        <p role="alert" className="error-panel">
          {listError.message}
        </p>
      )}
      {list && list.length === 0 && !creating && (
        <p className="empty-state">No jackpots yet. Create one and paste its fixtures.</p>
      )}
      {list && list.length > 0 && (
        <ul className="jackpot-list" aria-label="Saved jackpots">
          {list.map((j) => (
            <li key={j.id}>
              <button
                type="button"
                className={j.id === selectedId ? 'selected' : ''}
                aria-pressed={j.id === selectedId}
                onClick={() => void select(api, j.id)}
              >
                <strong>{j.name}</strong>{' '}
                <span className="muted">
                  {j.provider ?? ''} · {j.fixtures} fixtures{j.deadline ? ` · ${j.deadline}` : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {analysing && <p className="muted">Pricing every fixture…</p>}
      {analysisError && (
        <p role="alert" className="error-panel">
          {analysisError.code}: {analysisError.message}
        </p>
      )}
      {analysis && (
        <JackpotAnalysisView
          api={api}
          analysis={analysis}
          selectedId={selectedId}
          onPick={(position, pick) => void setPick(api, position, pick)}
          onRemove={(id) => void remove(api, id)}
        />
      )}
    </section>
  )
}
