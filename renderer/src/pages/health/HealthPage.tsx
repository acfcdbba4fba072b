import { useEffect } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import type { HealthReportDto } from '../../../../shared/api/domains/health'
import { useHealthStore } from '../../stores/healthStore'
import { useNavigationStore } from '../../stores/navigationStore'
import { AlertsList } from './AlertsList'
import { ReliabilityChart } from './ReliabilityChart'
import { RollingRpsChart } from './RollingRpsChart'
import { ValuePanel } from './ValuePanel'
import { GoalsPanel } from './GoalsPanel'
import './health.css'

const SERIES = ['model', 'market', 'blend', 'calibrated'] as const
const f4 = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(4))
const signed = (x: number | null) => (x === null ? '—' : `${x > 0 ? '+' : ''}${x.toFixed(4)}`)

/**
 * Model health: is each league's champion still as good as when it was promoted? Reliability diagrams (model,
 * blend, calibrated) with ECE on its evaluation and on the matches played since, rolling RPS against the
 * market, and the alerts of every league.
 */
export function HealthPage({ api }: { api: ScorelineApi }) {
  const { leagues, league, report, alerts, load, selectLeague, watch } = useHealthStore()
  const go = useNavigationStore((s) => s.go)

  useEffect(() => {
    void load(api)
    return watch(api)
  }, [api, load, watch])

  const busy = leagues.loading || report.loading || alerts.loading
  const error = leagues.error ?? report.error
  const r = report.data

  return (
    <section className="page health-page" aria-labelledby="health-title" aria-busy={busy || undefined}>
      <header className="page-header">
        <h1 id="health-title">Model health</h1>
        <div className="health-actions">
          {leagues.data && leagues.data.length > 0 && (
            <label>
              League{' '}
              <select
                value={league ?? ''}
                onChange={(e) => void selectLeague(api, e.target.value)}
                data-testid="health-league"
              >
                {leagues.data.map((l) => (
                  <option key={l.league} value={l.league}>
                    {l.league}
                    {l.champion ? ` — champion v${l.champion.version}` : ' — no champion'}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="button" onClick={() => void load(api)} disabled={busy}>
            {busy ? 'Loading…' : 'Refresh'}
          </button>
        </div>
      </header>

      {error && (
        <div role="alert" className="error-panel" data-testid="health-error">
          <p>
            <strong>{error.code}</strong>: {error.message}
          </p>
          {error.code === 'SERVICE_UNREACHABLE' && (
            <p>
              The model registry (MLflow) did not answer: check its URI in Settings, or clear it to use the
              local store.
            </p>
          )}
        </div>
      )}

      {!leagues.data && leagues.loading && <p className="muted">Loading model health…</p>}

      {leagues.data && leagues.data.length === 0 && (
        <div className="empty-state" data-testid="health-no-data">
          <p>No matches in the local store yet: import or download seasons, then run the pipeline.</p>
          <button type="button" onClick={() => go('data')}>
            Open Data
          </button>
        </div>
      )}

      {r && r.state === 'no-champion' && (
        <div className="empty-state" data-testid="health-empty">
          <p>
            <strong>No champion yet — run the pipeline.</strong>
          </p>
          <p className="muted">{r.message}</p>
          <button type="button" onClick={() => go('training')}>
            Open Training
          </button>
        </div>
      )}

      {r && r.state === 'ready' && <Report report={r} />}

      <section className="panel" aria-labelledby="health-alerts-title">
        <h2 id="health-alerts-title">Alerts</h2>
        {alerts.error && (
          <p role="alert" className="error-panel">
            {alerts.error.code}: {alerts.error.message}
          </p>
        )}
        {alerts.data ? (
          <AlertsList alerts={alerts.data} onOpenLeague={(l) => void selectLeague(api, l)} />
        ) : (
          !alerts.error && <p className="muted">Checking the champions…</p>
        )}
      </section>
    </section>
  )
}

function Report({ report }: { report: HealthReportDto }) {
  const c = report.champion!
  const evaluation = report.evaluation!
  const recent = report.recent!
  const v = report.verdict
  const t = report.thresholds
  return (
    <div data-testid="health-report">
      <section className="panel" aria-labelledby="champion-title">
        <h2 id="champion-title">
          {report.league} champion <span data-testid="health-version">v{c.version}</span>
        </h2>
        <dl className="facts health-facts">
          <dt>Model</dt>
          <dd>
            {c.modelName} v{c.version} · run <code>{c.runId.slice(0, 12)}</code>
          </dd>
          <dt>Trained to</dt>
          <dd data-testid="health-trained-to">{c.trainedTo}</dd>
          <dt>Evaluation</dt>
          <dd>
            {c.evaluation.season ?? '—'} ({evaluation.from ?? '—'} … {evaluation.to ?? '—'}), {evaluation.n}{' '}
            matches, walk-forward
          </dd>
          <dt>Recent</dt>
          <dd data-testid="health-recent-range">
            {recent.n > 0
              ? `${recent.from} … ${recent.to}, ${recent.n} matches played since`
              : 'no match played since'}
            {recent.skipped.count > 0 &&
              ` (${recent.skipped.count} skipped: no rating for ${recent.skipped.teams.join(', ')})`}
          </dd>
          <dt>Served forecast</dt>
          <dd>
            {c.blend.kind}-pool blend α ={' '}
            {c.blend.alpha === null
              ? '— (market only)'
              : c.blend.alpha === 0
                ? '0 (market only: the blend has not beaten the market out of sample)'
                : c.blend.alpha.toFixed(3)}{' '}
            with the market ({c.market}; margin removed: {c.margin}), {c.calibration ?? 'no'} calibration
          </dd>
        </dl>
        {v && (
          <p
            role={v.state === 'alert' ? 'alert' : 'status'}
            className={`health-verdict health-verdict-${v.state}`}
            data-testid="health-verdict"
            data-state={v.state}
          >
            {v.message}
          </p>
        )}
        <table className="table health-metrics" data-testid="health-metrics">
          <caption className="muted">
            Same matches for every forecast: evaluation n = {evaluation.n}, recent n = {recent.n}. Alerts on
            the calibrated forecast: RPS +{t.rps}, ECE +{t.ece}, from {t.minRecent} recent matches.
          </caption>
          <thead>
            <tr>
              <th scope="col">Forecast</th>
              <th scope="col">RPS evaluation</th>
              <th scope="col">RPS recent</th>
              <th scope="col">change</th>
              <th scope="col">ECE evaluation</th>
              <th scope="col">ECE recent</th>
              <th scope="col">change</th>
            </tr>
          </thead>
          <tbody>
            {SERIES.map((s) => {
              const e = evaluation.metrics[s]
              const n = recent.metrics[s]
              return (
                <tr key={s} data-testid={`metrics-${s}`}>
                  <th scope="row">{s === 'market' ? `market (${c.margin})` : s}</th>
                  <td>{f4(e?.rps)}</td>
                  <td>{f4(n?.rps)}</td>
                  <td>{signed(e && n ? n.rps - e.rps : null)}</td>
                  <td>{f4(e?.ece)}</td>
                  <td>{f4(n?.ece)}</td>
                  <td>{signed(e && n ? n.ece - e.ece : null)}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </section>

      {report.value !== undefined && <ValuePanel value={report.value} />}
      {report.goals !== undefined && <GoalsPanel goals={report.goals} />}

      <section className="panel" aria-labelledby="reliability-title">
        <h2 id="reliability-title">Reliability</h2>
        <p className="muted">
          Each forecast&apos;s top pick, binned by its probability: a calibrated forecast sits on the
          diagonal. Dot area and the bars below count matches.
        </p>
        <div className="health-reliability-grid">
          <ReliabilityChart
            title={`Evaluation ${c.evaluation.season ?? ''}`.trim()}
            diagrams={evaluation.reliability}
            testId="reliability-evaluation"
          />
          {recent.n > 0 ? (
            <ReliabilityChart
              title={`Recent (since ${c.trainedTo})`}
              diagrams={recent.reliability}
              testId="reliability-recent"
            />
          ) : (
            <p className="muted health-placeholder" data-testid="reliability-recent-empty">
              No match played after {c.trainedTo} with odds yet: import or sync newer results to see how the
              champion does on them.
            </p>
          )}
        </div>
      </section>

      <section className="panel" aria-labelledby="rolling-title">
        <h2 id="rolling-title">Rolling RPS against the market</h2>
        <RollingRpsChart
          points={report.rolling?.points ?? []}
          window={report.rolling?.window ?? t.window}
          boundaryDate={report.rolling?.boundaryDate ?? null}
          trainedTo={c.trainedTo}
        />
      </section>
    </div>
  )
}
