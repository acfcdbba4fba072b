import { useDeferredValue, useEffect, useMemo, useState } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import { MAX_COMPARE, RUN_LIMIT, useTrackingStore } from '../../stores/trackingStore'
import { useNavigationStore } from '../../stores/navigationStore'
import { PALETTE, ScatterChart } from './Charts'
import { fmtTime } from '../models/format'
import { Comparison } from './Comparison'
import { RunDetail } from './RunDetail'
import { RunsTable } from './RunsTable'
import {
  availableColumns,
  columnId,
  defaultColumns,
  EMPTY_FILTER,
  filterRuns,
  parseQuery,
  sortRuns,
  type Column,
  type RunFilter,
  type Sort,
  type SortKey,
} from './runsView'

const dayStart = (date: string) => (date ? new Date(`${date}T00:00:00`).getTime() : null)
const dayEnd = (date: string) => (date ? new Date(`${date}T23:59:59.999`).getTime() : null)

export function ExperimentsPage({ api }: { api: ScorelineApi }) {
  const runs = useTrackingStore((s) => s.runs)
  const selection = useTrackingStore((s) => s.selection)
  const comparison = useTrackingStore((s) => s.comparison)
  const { loadRuns, toggleRun, setSelection, compare, closeComparison, watch } = useTrackingStore.getState()
  const view = useTrackingStore((s) => s.view)
  const setView = useTrackingStore((s) => s.setView)
  const { search, query, status, experimentId, from, to, showNested, sort, scatter } = view
  const chosen = view.columns
  const setSearch = (search: string) => setView({ search })
  const setQuery = (query: string) => setView({ query })
  const setStatus = (status: string) => setView({ status })
  const setExperimentId = (experimentId: string) => setView({ experimentId })
  const setFrom = (from: string) => setView({ from })
  const setTo = (to: string) => setView({ to })
  const setShowNested = (showNested: boolean) => setView({ showNested })
  const setSort = (next: (sort: Sort) => Sort) => setView((v) => ({ sort: next(v.sort) }))
  const setChosen = (next: (columns: Column[] | null) => Column[] | null) =>
    setView((v) => ({ columns: next(v.columns) }))
  const setScatter = (scatter: { x: string; y: string }) => setView({ scatter })
  const [openRun, setOpenRun] = useState<string | null>(null)

  useEffect(() => {
    void loadRuns(api)
    return watch(api)
  }, [api, loadRuns, watch])

  const all = useMemo(() => runs.data?.runs ?? [], [runs.data])
  const experimentNames = useMemo(
    () => new Map((runs.data?.experiments ?? []).map((e) => [e.id, e.name])),
    [runs.data],
  )
  const available = useMemo(() => availableColumns(all), [all])
  const columns = chosen ?? defaultColumns(all)
  const parsed = useMemo(() => parseQuery(query), [query])
  const deferredSearch = useDeferredValue(search)
  const filter: RunFilter = {
    ...EMPTY_FILTER,
    search: deferredSearch,
    conditions: 'conditions' in parsed ? parsed.conditions : [],
    status,
    experimentId,
    from: dayStart(from),
    to: dayEnd(to),
    hideNested: !showNested,
  }
  const filterKey = JSON.stringify(filter)
  const rows = useMemo(
    () => sortRuns(filterRuns(all, filter, experimentNames), sort, experimentNames),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `filter` is rebuilt each render; its JSON is the dependency
    [all, filterKey, sort, experimentNames],
  )

  const onSort = (by: SortKey) =>
    setSort((s) =>
      s.by.kind === by.kind && s.by.key === by.key
        ? { by, desc: !s.desc }
        : { by, desc: by.kind === 'attr' && by.key === 'startTime' },
    )
  const toggleColumn = (c: Column) =>
    setChosen((current) => {
      const list = current ?? columns
      return list.some((x) => columnId(x) === columnId(c))
        ? list.filter((x) => columnId(x) !== columnId(c))
        : [...list, c]
    })

  const numericKeys = useMemo(() => {
    const numeric = available.params.filter((k) =>
      all.some((r) => r.params[k] !== undefined && Number.isFinite(Number(r.params[k]))),
    )
    return [...available.metrics.map((k) => `metrics.${k}`), ...numeric.map((k) => `params.${k}`)]
  }, [available, all])
  const scatterAxes = scatter ?? {
    x: numericKeys.find((k) => k === 'metrics.market_rps') ?? numericKeys[0] ?? '',
    y: numericKeys.find((k) => k === 'metrics.rps') ?? numericKeys[1] ?? numericKeys[0] ?? '',
  }
  const readAxis = (r: (typeof rows)[number], key: string): number | undefined => {
    const [kind, ...rest] = key.split('.')
    const name = rest.join('.')
    const v = kind === 'metrics' ? r.metrics[name] : Number(r.params[name])
    return v !== undefined && Number.isFinite(v) ? v : undefined
  }
  const selectedIndex = new Map(selection.map((id, i) => [id, i]))

  return (
    <section className="page" aria-labelledby="experiments-title">
      <header className="page-header">
        <h1 id="experiments-title">Experiments</h1>
        <button type="button" onClick={() => void loadRuns(api)} disabled={runs.loading}>
          {runs.loading ? 'Loading…' : 'Refresh'}
        </button>
      </header>

      {runs.error && (
        <div role="alert" className="error-panel" data-testid="runs-error">
          <strong>{runs.error.code}</strong>: {runs.error.message}{' '}
          <button type="button" onClick={() => void loadRuns(api)}>
            Try again
          </button>{' '}
          <button type="button" className="link" onClick={() => useNavigationStore.getState().go('settings')}>
            Check the MLflow connection
          </button>
        </div>
      )}
      {runs.data?.mirror?.offline && (
        <p role="status" className="muted" data-testid="runs-offline">
          Offline, as of {fmtTime(runs.data.mirror.asOf)}: the MLflow server did not answer, so these runs are
          this desktop&apos;s copy{runs.data.mirror.lastError ? ` (${runs.data.mirror.lastError})` : ''}.
        </p>
      )}
      {runs.loading && !runs.data && <p className="muted">Loading runs…</p>}
      {runs.data && runs.data.runs.length === 0 && (
        <div className="empty-state" data-testid="no-runs">
          <p>
            No tracked run yet. Every training pipeline logs its runs here (and to MLflow when one is
            configured).
          </p>
          <button type="button" onClick={() => useNavigationStore.getState().go('training')}>
            Go to Training
          </button>
        </div>
      )}

      {runs.data && runs.data.runs.length > 0 && (
        <>
          <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Run filters">
            <label>
              Search
              <input
                type="search"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                placeholder="name, id, param or tag value"
                data-testid="run-search"
              />
            </label>
            <label className="grow">
              Where
              <input
                type="text"
                value={query}
                onChange={(e) => setQuery(e.target.value)}
                placeholder="rps < 0.2 and league = E0"
                aria-invalid={'error' in parsed}
                aria-describedby={'error' in parsed ? 'query-error' : undefined}
                data-testid="run-query"
              />
            </label>
            <label>
              Experiment
              <select value={experimentId} onChange={(e) => setExperimentId(e.target.value)}>
                <option value="">all</option>
                {runs.data.experiments.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Status
              <select value={status} onChange={(e) => setStatus(e.target.value)}>
                <option value="">any</option>
                {['FINISHED', 'FAILED', 'KILLED', 'RUNNING'].map((s) => (
                  <option key={s} value={s}>
                    {s.toLowerCase()}
                  </option>
                ))}
              </select>
            </label>
            <label>
              From
              <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
            </label>
            <label>
              To
              <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
            </label>
            <label className="inline">
              <input type="checkbox" checked={showNested} onChange={(e) => setShowNested(e.target.checked)} />{' '}
              Nested runs
            </label>
            <details className="column-chooser">
              <summary>Columns ({columns.length})</summary>
              <div className="column-lists">
                {(['param', 'metric', 'tag'] as const).map((kind) => (
                  <fieldset key={kind}>
                    <legend>{kind}s</legend>
                    {available[`${kind}s`].map((key) => {
                      const c = { kind, key }
                      return (
                        <label key={key} className="inline">
                          <input
                            type="checkbox"
                            checked={columns.some((x) => columnId(x) === columnId(c))}
                            onChange={() => toggleColumn(c)}
                          />{' '}
                          {key}
                        </label>
                      )
                    })}
                  </fieldset>
                ))}
              </div>
            </details>
          </form>
          {'error' in parsed && (
            <p id="query-error" className="error-panel" role="alert">
              {parsed.error}
            </p>
          )}

          <div className="selection-bar" aria-live="polite">
            <span data-testid="runs-count">
              {rows.length} of {all.length} runs
              {runs.data.truncated ? ` (the newest ${RUN_LIMIT} loaded)` : ''}
            </span>
            <span className="muted">
              {selection.length === 0
                ? `Select 2–${MAX_COMPARE} runs to compare.`
                : `${selection.length} selected${selection.length >= MAX_COMPARE ? ' (the most you can compare)' : ''}`}
            </span>
            <button
              type="button"
              className="primary"
              disabled={selection.length < 2 || comparison.loading}
              onClick={() => void compare(api)}
              data-testid="compare-button"
            >
              {comparison.loading
                ? 'Comparing…'
                : `Compare ${selection.length >= 2 ? selection.length : ''} runs`}
            </button>
            <button type="button" disabled={selection.length === 0} onClick={() => setSelection([])}>
              Clear selection
            </button>
          </div>

          <RunsTable
            rows={rows}
            columns={columns}
            sort={sort}
            onSort={onSort}
            selection={selection}
            onToggle={toggleRun}
            maxSelection={MAX_COMPARE}
            experimentNames={experimentNames}
            onOpen={setOpenRun}
          />
          {rows.length === 0 && (
            <p className="muted" data-testid="no-matching-runs">
              No run matches these filters.
            </p>
          )}
        </>
      )}

      {openRun && <RunDetail key={openRun} api={api} runId={openRun} onClose={() => setOpenRun(null)} />}

      {comparison.error && (
        <p role="alert" className="error-panel">
          {comparison.error.code}: {comparison.error.message}
        </p>
      )}
      {comparison.data && <Comparison data={comparison.data} onClose={closeComparison} />}

      {runs.data && numericKeys.length > 0 && (
        <section className="panel" aria-labelledby="scatter-title">
          <header className="page-header">
            <h2 id="scatter-title">Scatter of the filtered runs</h2>
            <div className="filters">
              {(['x', 'y'] as const).map((axis) => (
                <label key={axis}>
                  {axis.toUpperCase()}
                  <select
                    value={scatterAxes[axis]}
                    onChange={(e) => setScatter({ ...scatterAxes, [axis]: e.target.value })}
                  >
                    {numericKeys.map((k) => (
                      <option key={k} value={k}>
                        {k}
                      </option>
                    ))}
                  </select>
                </label>
              ))}
            </div>
          </header>
          <ScatterChart
            xLabel={scatterAxes.x}
            yLabel={scatterAxes.y}
            points={rows.flatMap((r) => {
              const x = readAxis(r, scatterAxes.x)
              const y = readAxis(r, scatterAxes.y)
              if (x === undefined || y === undefined) return []
              const i = selectedIndex.get(r.runId)
              return [
                {
                  id: r.runId,
                  label: r.runName || r.runId,
                  x,
                  y,
                  color: i === undefined ? '#8b98a5' : PALETTE[i % PALETTE.length],
                },
              ]
            })}
          />
          <p className="muted small">Selected runs are coloured as in the comparison; the others are grey.</p>
        </section>
      )}
    </section>
  )
}
