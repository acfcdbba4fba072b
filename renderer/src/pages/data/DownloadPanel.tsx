import { useEffect, useState } from 'react'
import type { ScorelineApi, ProcedureOutput } from '../../../../shared/api/contract'
import type { ApiErrorShape } from '../../../../shared/api/errors'

type Results = ProcedureOutput<'data.download'>

/** Download seasons from football-data.co.uk with live progress (data.downloadProgress events). */
export function DownloadPanel({ api }: { api: ScorelineApi }) {
  const [league, setLeague] = useState('E0')
  const [seasons, setSeasons] = useState('2022-23..2024-25')
  const [busy, setBusy] = useState(false)
  const [progress, setProgress] = useState<string | null>(null)
  const [results, setResults] = useState<Results | null>(null)
  const [error, setError] = useState<ApiErrorShape | null>(null)

  useEffect(
    () =>
      api.on('data.downloadProgress', (p) =>
        setProgress(
          `${p.index}/${p.total} · ${p.league} ${p.season}: ${p.state}${p.attempt ? ` (attempt ${p.attempt})` : ''}`,
        ),
      ),
    [api],
  )

  return (
    <section className="panel" aria-labelledby="download-title">
      <h2 id="download-title">Download from football-data.co.uk</h2>
      <form
        className="filters"
        onSubmit={async (e) => {
          e.preventDefault()
          setBusy(true)
          setResults(null)
          setError(null)
          const result = await api.data.download({ league: league.trim(), seasons: [seasons.trim()] })
          setBusy(false)
          setProgress(null)
          if (result.ok) setResults(result.value)
          else setError(result.error)
        }}
      >
        <label>
          League
          <input value={league} onChange={(e) => setLeague(e.target.value)} size={6} />
        </label>
        <label>
          Seasons (one, or a range)
          <input value={seasons} onChange={(e) => setSeasons(e.target.value)} size={18} />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Downloading…' : 'Download'}
        </button>
        {progress && (
          <span className="muted" aria-live="polite">
            {progress}
          </span>
        )}
      </form>
      {error && (
        <p role="alert" className="error-panel">
          {error.message}
        </p>
      )}
      {results && (
        <ul className="import-results" data-testid="download-results">
          {results.map((r) => (
            <li key={r.season} className={r.status === 'failed' ? 'bad' : 'ok'}>
              {league} {r.season}:{' '}
              {r.status === 'imported'
                ? `imported — ${r.import?.matches.inserted ?? 0} inserted, ${r.import?.matches.updated ?? 0} updated`
                : r.status === 'not-modified'
                  ? 'unchanged on the server'
                  : `failed — ${r.error?.message ?? 'unknown error'}`}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
