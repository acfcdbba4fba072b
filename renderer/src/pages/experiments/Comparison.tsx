import { useState } from 'react'
import type { RunComparisonDto } from '../../../../shared/api/domains/tracking'
import { bestOf, metricRule } from '../../../../shared/bestMetric'
import { fmtNum } from '../models/format'
import { Legend, LineChart, PALETTE } from './Charts'
import { comparisonAxes, defaultAxes, ParallelCoordinates } from './ParallelCoordinates'

/** Params shown under the "differences only" switch. */
export function visibleParams(params: RunComparisonDto['params'], differencesOnly: boolean) {
  return differencesOnly ? params.filter((p) => p.differs) : params
}

/**
 * Which cells of a metric row are marked ★best: the shared rule (shared/bestMetric.ts) — never a count, flag,
 * fitted value or cost, and a log-likelihood only between runs of the same model type and data window.
 */
export function bestCells(
  metric: RunComparisonDto['metrics'][number],
  runs: RunComparisonDto['runs'],
  params: RunComparisonDto['params'] = [],
): boolean[] {
  const runParams = runs.map((_, i) => Object.fromEntries(params.map((p) => [p.key, p.values[i]])))
  return bestOf(
    metric.key,
    metric.stats.map((s) => s?.last),
    runParams,
  ).best
}

/**
 * 2–10 runs side by side: params with the differing ones highlighted (and a "differences only" switch),
 * metrics with min / max / last and the best run per row marked, and metric histories overlaid.
 */
export function Comparison({ data, onClose }: { data: RunComparisonDto; onClose: () => void }) {
  const [differencesOnly, setDifferencesOnly] = useState(false)
  const [chartKey, setChartKey] = useState<string | null>(null)
  const colorOf = new Map(data.runs.map((r, i) => [r.runId, PALETTE[i % PALETTE.length]]))
  const [axisIds, setAxisIds] = useState<string[] | null>(null)
  const axes = comparisonAxes(data)
  const chosenAxes = axisIds ?? defaultAxes(data)
  const toggleAxis = (id: string) =>
    setAxisIds((ids) => {
      const list = ids ?? chosenAxes
      return list.includes(id) ? list.filter((x) => x !== id) : [...list, id]
    })
  const runLegend = data.runs.map((r) => ({
    id: r.runId,
    label: r.runName || r.runId.slice(0, 8),
    color: colorOf.get(r.runId) ?? PALETTE[0],
  }))
  const params = visibleParams(data.params, differencesOnly)
  const differing = data.params.filter((p) => p.differs).length
  const history = data.histories.find((h) => h.key === chartKey) ?? data.histories[0] ?? null
  const runHeader = (
    <>
      {data.runs.map((r) => (
        <th scope="col" key={r.runId} title={`${r.runId}${r.experimentName ? ` · ${r.experimentName}` : ''}`}>
          <span className="swatch" style={{ background: colorOf.get(r.runId) }} aria-hidden="true" />{' '}
          {r.runName || r.runId.slice(0, 8)}
        </th>
      ))}
    </>
  )

  return (
    <section className="panel" aria-labelledby="comparison-title" data-testid="comparison">
      <header className="page-header">
        <h2 id="comparison-title">Comparing {data.runs.length} runs</h2>
        <button type="button" onClick={onClose}>
          Close comparison
        </button>
      </header>

      <div className="comparison-grid">
        <section aria-labelledby="cmp-params-title">
          <header className="page-header">
            <h3 id="cmp-params-title">
              Params{' '}
              <span className="muted small">
                ({differing} of {data.params.length} differ)
              </span>
            </h3>
            <label className="inline">
              <input
                type="checkbox"
                checked={differencesOnly}
                onChange={(e) => setDifferencesOnly(e.target.checked)}
                data-testid="differences-only"
              />{' '}
              Differences only
            </label>
          </header>
          <div className="table-scroll">
            <table className="table compact" data-testid="compare-params">
              <thead>
                <tr>
                  <th scope="col">Param</th>
                  {runHeader}
                </tr>
              </thead>
              <tbody>
                {params.length === 0 && (
                  <tr>
                    <td colSpan={data.runs.length + 1} className="muted">
                      {differencesOnly ? 'Every param is the same in these runs.' : 'No params logged.'}
                    </td>
                  </tr>
                )}
                {params.map((p) => (
                  <tr
                    key={p.key}
                    className={p.differs ? 'differs' : undefined}
                    data-testid={`param-${p.key}`}
                    data-differs={p.differs}
                  >
                    <th scope="row">
                      {p.key}
                      {p.differs && <span className="visually-hidden"> (differs)</span>}
                    </th>
                    {p.values.map((v, i) => (
                      <td key={i}>{v ?? <span className="muted">—</span>}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>

        <section aria-labelledby="cmp-metrics-title">
          <h3 id="cmp-metrics-title">
            Metrics{' '}
            <span className="muted small">
              last value; min – max when logged at several steps; ★ best (↓ lower is better, ↑ higher; counts,
              flags and fitted values have no best)
            </span>
          </h3>
          <div className="table-scroll">
            <table className="table compact" data-testid="compare-metrics">
              <thead>
                <tr>
                  <th scope="col">Metric</th>
                  {runHeader}
                </tr>
              </thead>
              <tbody>
                {data.metrics.map((m) => {
                  const bestRuns = bestCells(m, data.runs, data.params)
                  const rule = metricRule(m.key)
                  return (
                    <tr key={m.key} data-testid={`metric-${m.key}`}>
                      <th scope="row" title={rule.label}>
                        {m.key}{' '}
                        <span className="muted small" data-testid="metric-direction">
                          {rule.direction === 'lower' ? '↓' : rule.direction === 'higher' ? '↑' : ''}
                        </span>
                      </th>
                      {m.stats.map((s, i) => {
                        const best = bestRuns[i]
                        return (
                          <td key={i} className={`num${best ? ' best' : ''}`} data-best={best || undefined}>
                            {s ? (
                              <>
                                {best && <span aria-label="best">★ </span>}
                                {fmtNum(s.last, 5)}
                                {s.points > 1 && (
                                  <span className="muted small range">
                                    {fmtNum(s.min, 4)} – {fmtNum(s.max, 4)} ({s.points})
                                  </span>
                                )}
                              </>
                            ) : (
                              <span className="muted">—</span>
                            )}
                          </td>
                        )
                      })}
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        </section>
      </div>

      <section aria-labelledby="cmp-history-title">
        <header className="page-header">
          <h3 id="cmp-history-title">Metric history</h3>
          {data.histories.length > 0 && (
            <label className="inline">
              Metric{' '}
              <select
                value={history?.key ?? ''}
                onChange={(e) => setChartKey(e.target.value)}
                data-testid="history-metric"
              >
                {data.histories.map((h) => (
                  <option key={h.key} value={h.key}>
                    {h.key}
                  </option>
                ))}
              </select>
            </label>
          )}
        </header>
        {history ? (
          <LineChart
            metric={history.key}
            series={history.series.map((s) => ({
              id: s.runId,
              label: data.runs.find((r) => r.runId === s.runId)?.runName || s.runId.slice(0, 8),
              color: colorOf.get(s.runId) ?? PALETTE[0],
              points: s.points,
            }))}
          />
        ) : (
          <p className="muted">These runs logged every metric once (no history to draw).</p>
        )}
      </section>

      <section aria-labelledby="cmp-parallel-title">
        <header className="page-header">
          <h3 id="cmp-parallel-title">Parallel coordinates</h3>
          <details className="column-chooser">
            <summary>Axes ({chosenAxes.length})</summary>
            <div className="column-lists">
              {(['params', 'metrics'] as const).map((kind) => (
                <fieldset key={kind}>
                  <legend>{kind}</legend>
                  {axes
                    .filter((a) => a.id.startsWith(`${kind}.`))
                    .map((a) => (
                      <label key={a.id} className="inline">
                        <input
                          type="checkbox"
                          checked={chosenAxes.includes(a.id)}
                          onChange={() => toggleAxis(a.id)}
                        />{' '}
                        {a.label}
                      </label>
                    ))}
                </fieldset>
              ))}
            </div>
          </details>
        </header>
        <figure className="chart">
          <ParallelCoordinates
            axes={chosenAxes.flatMap((id) => axes.filter((a) => a.id === id))}
            runs={runLegend}
          />
          <Legend series={runLegend} />
        </figure>
      </section>
    </section>
  )
}
