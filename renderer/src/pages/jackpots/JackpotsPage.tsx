import { useEffect, useState } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import { useJackpotStore } from '../../stores/jackpotStore'
import { NewJackpotForm } from './NewJackpotForm'
import { JackpotAnalysisView } from './JackpotAnalysisView'
import { useJackpotDraftStore } from '../fixtures/jackpotDraftStore'

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
  // fixtures handed over from the Fixtures screen open the form with them
  const draft = useJackpotDraftStore((s) => s.draft)
  const clearDraft = useJackpotDraftStore((s) => s.clear)
  const draftSeq = useJackpotDraftStore((s) => s.seq)
  const [creatingState, setCreating] = useState(false)
  const creating = creatingState || draft !== null
  useEffect(() => {
    void loadList(api)
  }, [api, loadList])

  return (
    <section className="page" aria-labelledby="jackpots-title">
      <header className="page-header">
        <h1 id="jackpots-title">Jackpots</h1>
        <button
          type="button"
          onClick={() => {
            if (creating) clearDraft()
            setCreating(!creating)
          }}
        >
          {creating ? 'Close' : 'New jackpot'}
        </button>
      </header>
      {creating && (
        <NewJackpotForm
          key={draft ? `draft-${draftSeq}` : 'blank'}
          api={api}
          draft={draft}
          onCreated={(id) => {
            clearDraft()
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
