import { useEffect, useMemo } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import { useDataStore } from '../../stores/dataStore'
import { ImportPanel } from './ImportPanel'
import { MatchesTable } from './MatchesTable'
import { QualityPanel } from './QualityPanel'
import { DownloadPanel } from './DownloadPanel'

export function DataPage({ api }: { api: ScorelineApi }) {
  const {
    overview,
    matches,
    filter,
    sync,
    loadOverview,
    loadQuality,
    setFilter,
    loadMatchRange,
    runSync,
    watch,
  } = useDataStore()

  useEffect(() => {
    void loadOverview(api)
    void loadQuality(api)
    void setFilter(api, useDataStore.getState().filter)
    return watch(api)
  }, [api, loadOverview, loadQuality, setFilter, watch])

  const seasonsOfLeague = useMemo(
    () => (overview.data?.seasons ?? []).filter((s) => !filter.league || s.league === filter.league),
    [overview.data, filter.league],
  )
  const status = overview.data?.status

  return (
    <section className="page" aria-labelledby="data-title">
      <header className="page-header">
        <h1 id="data-title">Data</h1>
      </header>
      {overview.error && (
        <p role="alert" className="error-panel">
          {overview.error.code}: {overview.error.message}
        </p>
      )}

      <div className="grid-2">
        <section className="panel" aria-labelledby="leagues-title">
          <h2 id="leagues-title">Leagues and seasons</h2>
          {overview.loading && !overview.data && <p className="muted">Loading…</p>}
          {overview.data && overview.data.leagues.length === 0 && (
            <p className="empty-state" data-testid="no-data">
              No matches yet. Import football-data.co.uk CSV files, or sync from the team's Postgres.
            </p>
          )}
          {overview.data && overview.data.leagues.length > 0 && (
            <table className="table" data-testid="leagues-table">
              <thead>
                <tr>
                  <th scope="col">League</th>
                  <th scope="col">Seasons</th>
                  <th scope="col">Matches</th>
                  <th scope="col">Teams</th>
                  <th scope="col">Latest match</th>
                </tr>
              </thead>
              <tbody>
                {overview.data.leagues.map((l) => (
                  <tr key={l.code}>
                    <th scope="row">
                      <button
                        type="button"
                        className="link"
                        onClick={() => void setFilter(api, { ...filter, league: l.code, season: undefined })}
                      >
                        {l.code}
                      </button>{' '}
                      <span className="muted">{l.name}</span>
                    </th>
                    <td>{l.seasons}</td>
                    <td>{l.matches}</td>
                    <td>{l.teams}</td>
                    <td>{l.lastDate ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section className="panel" aria-labelledby="sync-title">
          <h2 id="sync-title">Team database</h2>
          {status && (
            <dl className="facts">
              <dt>Postgres</dt>
              <dd data-testid="postgres-state">
                {!status.postgres.configured
                  ? 'not configured (Settings or DATABASE_URL)'
                  : status.postgres.reachable
                    ? 'reachable'
                    : `unreachable: ${status.postgres.error ?? 'unknown reason'} — working offline`}
              </dd>
              <dt>Last sync</dt>
              <dd>
                {status.lastSuccessfulSyncAt
                  ? new Date(status.lastSuccessfulSyncAt).toLocaleString()
                  : 'never'}
              </dd>
              <dt>Outbox</dt>
              <dd>
                {status.outbox.pending} pending · {status.outbox.conflicts} conflicts · {status.outbox.failed}{' '}
                failed
              </dd>
            </dl>
          )}
          <button
            type="button"
            disabled={sync.running || !status?.postgres.configured}
            onClick={() => void runSync(api)}
          >
            {sync.running ? 'Syncing…' : 'Sync now'}
          </button>
          {sync.running && sync.progress && (
            <p>
              <progress max={Math.max(1, sync.progress.totalAll)} value={sync.progress.appliedAll} />{' '}
              {sync.progress.appliedAll} / {sync.progress.totalAll} rows ({sync.progress.table})
            </p>
          )}
          {sync.result && (
            <p className="muted">
              Synced {sync.result.rowsApplied} rows in {sync.result.durationMs.toFixed(0)} ms.
            </p>
          )}
          {sync.error && (
            <p role="alert" className="error-panel">
              {sync.error.message}
            </p>
          )}
        </section>
      </div>

      <ImportPanel api={api} />
      <DownloadPanel api={api} />

      <section className="panel" aria-labelledby="matches-title">
        <h2 id="matches-title">Matches</h2>
        <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Match filters">
          <label>
            League
            <select
              value={filter.league ?? ''}
              onChange={(e) =>
                void setFilter(api, { ...filter, league: e.target.value || undefined, season: undefined })
              }
            >
              <option value="">all</option>
              {(overview.data?.leagues ?? []).map((l) => (
                <option key={l.code} value={l.code}>
                  {l.code}
                </option>
              ))}
            </select>
          </label>
          <label>
            Season
            <select
              value={filter.season ?? ''}
              onChange={(e) => void setFilter(api, { ...filter, season: e.target.value || undefined })}
            >
              <option value="">all</option>
              {[...new Set(seasonsOfLeague.map((s) => s.season))]
                .sort()
                .reverse()
                .map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
            </select>
          </label>
          <label>
            Team
            <input
              type="search"
              value={filter.team ?? ''}
              placeholder="any"
              onChange={(e) => void setFilter(api, { ...filter, team: e.target.value || undefined })}
            />
          </label>
          <label>
            From
            <input
              type="date"
              value={filter.from ?? ''}
              onChange={(e) => void setFilter(api, { ...filter, from: e.target.value || undefined })}
            />
          </label>
          <label>
            To
            <input
              type="date"
              value={filter.to ?? ''}
              onChange={(e) => void setFilter(api, { ...filter, to: e.target.value || undefined })}
            />
          </label>
          <span className="muted" data-testid="matches-count">
            {matches.loading ? 'loading…' : `${matches.data?.total ?? 0} matches`}
          </span>
        </form>
        {matches.error && (
          <p role="alert" className="error-panel">
            {matches.error.message}
          </p>
        )}
        {matches.data && matches.data.total > 0 && (
          <MatchesTable
            rows={matches.data.rows}
            onRange={(start, end) => void loadMatchRange(api, start, end)}
          />
        )}
        {matches.data && matches.data.total === 0 && !matches.loading && (
          <p className="muted">No matches for this filter.</p>
        )}
      </section>

      <QualityPanel api={api} />
    </section>
  )
}
