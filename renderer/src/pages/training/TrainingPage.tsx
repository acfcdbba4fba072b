import { useEffect, useState } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import {
  MODEL_VARIANTS,
  type ModelChoice,
  type PipelineRunDto,
} from '../../../../shared/api/domains/training'
import { useTrainingStore } from '../../stores/trainingStore'

const time = (ms: number | null) => (ms ? new Date(ms).toLocaleString() : '—')
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

function RunRow({ run }: { run: PipelineRunDto }) {
  const [open, setOpen] = useState(false)
  return (
    <>
      <tr data-testid={`run-${run.id}`}>
        <td>{time(run.startedAt)}</td>
        <td>{run.trigger}</td>
        <td>
          <span
            className={`badge badge-${run.state === 'succeeded' ? 'reachable' : run.state === 'running' ? 'not-configured' : 'unreachable'}`}
          >
            {run.state}
          </span>
        </td>
        <td>{run.endedAt ? seconds(run.endedAt - run.startedAt) : '—'}</td>
        <td>
          <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
            {run.summary}
          </button>
        </td>
      </tr>
      {open && (
        <tr className="detail-row">
          <td colSpan={5}>
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">League</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">ξ</th>
                  <th scope="col">RPS model / market / calibrated</th>
                  <th scope="col">Version</th>
                  <th scope="col">Decision</th>
                  <th scope="col">Steps</th>
                </tr>
              </thead>
              <tbody>
                {run.leagues.map((l) => (
                  <tr key={l.league}>
                    <th scope="row">{l.league}</th>
                    <td>
                      {l.state === 'failed' ? (
                        <span className="bad">failed: {l.error?.message}</span>
                      ) : (
                        l.state
                      )}
                    </td>
                    <td>{l.xi ?? '—'}</td>
                    <td className="num">
                      {l.metrics
                        ? [l.metrics.model, l.metrics.market, l.metrics.calibrated]
                            .map((m) => (m ? m.rps.toFixed(4) : '—'))
                            .join(' / ')
                        : '—'}
                    </td>
                    <td>{l.version ? `${l.modelName} v${l.version}` : '—'}</td>
                    <td>{l.decision ? `${l.decision.action}: ${l.decision.reason}` : '—'}</td>
                    <td className="muted small">
                      {l.steps.map((s) => `${s.step} ${seconds(s.ms)}`).join(' · ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {run.features.note && <p className="muted small">Features: {run.features.note}</p>}
          </td>
        </tr>
      )}
    </>
  )
}

export function TrainingPage({ api }: { api: ScorelineApi }) {
  const { status, history, progress, logs, error, load, start, cancel, setSchedule, watch } =
    useTrainingStore()
  const [leagues, setLeagues] = useState<{ code: string; name: string }[]>([])
  const [chosen, setChosen] = useState<string[]>([])
  const [model, setModel] = useState<ModelChoice | ''>('')
  const [cronDraft, setCronDraft] = useState<string | null>(null)
  const [scheduleError, setScheduleError] = useState<string | null>(null)

  useEffect(() => {
    void load(api)
    void api.data.leagues().then((r) => r.ok && setLeagues(r.value))
    return watch(api)
  }, [api, load, watch])

  const running = status?.state === 'running' || !!status?.elsewhere
  const schedule = status?.schedule
  const cron = cronDraft ?? schedule?.cron ?? ''

  return (
    <section className="page" aria-labelledby="training-title">
      <header className="page-header">
        <h1 id="training-title">Training</h1>
      </header>
      {error && (
        <p role="alert" className="error-panel">
          {error.code}: {error.message}
        </p>
      )}
      <div className="grid-2">
        <section className="panel" aria-labelledby="run-title">
          <h2 id="run-title">Run the pipeline</h2>
          {leagues.length === 0 ? (
            <p className="muted">No leagues in the local store yet: import or sync data first.</p>
          ) : (
            <fieldset className="radio-row" disabled={running}>
              <legend>Leagues (none ticked: all)</legend>
              {leagues.map((l) => (
                <label key={l.code}>
                  <input
                    type="checkbox"
                    checked={chosen.includes(l.code)}
                    onChange={(e) =>
                      setChosen(e.target.checked ? [...chosen, l.code] : chosen.filter((c) => c !== l.code))
                    }
                  />
                  {l.code}
                </label>
              ))}
            </fieldset>
          )}
          <p>
            <label>
              Model{' '}
              <select
                value={model}
                disabled={running}
                onChange={(e) => setModel(e.target.value as ModelChoice | '')}
                aria-describedby="model-help"
              >
                <option value="">as in Settings (Dixon-Coles)</option>
                <option value="auto">auto: best walk-forward RPS on the year before, per league</option>
                {MODEL_VARIANTS.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
          </p>
          <p id="model-help" className="muted">
            Every variant is evaluated and registered. Dixon-Coles, Poisson, shots and market versions can
            become champion (the app serves their own ratings); the others are kept as challenger, with the
            reason.
          </p>
          <p>
            <button
              type="button"
              disabled={running || leagues.length === 0}
              onClick={() => void start(api, chosen, model || undefined)}
            >
              Train now
            </button>{' '}
            {status?.state === 'running' && (
              <button type="button" disabled={status.current?.cancelling} onClick={() => void cancel(api)}>
                {status.current?.cancelling ? 'Cancelling…' : 'Cancel'}
              </button>
            )}
          </p>
          {status?.elsewhere && (
            <p className="muted">
              A pipeline run is in progress in another process ({status.elsewhere.hostname}, pid{' '}
              {status.elsewhere.pid}).
            </p>
          )}
          {running && (
            <div data-testid="training-progress">
              <progress max={1} value={progress?.fraction ?? 0} aria-label="Pipeline progress" />{' '}
              {progress
                ? `${Math.round(progress.fraction * 100)}% · ${progress.league ?? ''} ${progress.stage}: ${progress.message}`
                : 'starting…'}
            </div>
          )}
          {status && (
            <p className="muted small">
              Workers: {status.workers.live} of {status.workers.size} ·{' '}
              {status.jobs.filter((j) => j.state === 'running').length} jobs running
            </p>
          )}
        </section>
        <section className="panel" aria-labelledby="schedule-title">
          <h2 id="schedule-title">Schedule</h2>
          {schedule ? (
            <>
              <dl className="facts">
                <dt>Runs</dt>
                <dd data-testid="schedule-description">{schedule.enabled ? schedule.description : 'off'}</dd>
                <dt>Next run</dt>
                <dd>{schedule.enabled ? time(schedule.nextRunAt) : '—'}</dd>
                <dt>Last scheduled run</dt>
                <dd>{time(schedule.lastRunAt)}</dd>
              </dl>
              <form
                className="field-row"
                onSubmit={async (e) => {
                  e.preventDefault()
                  const problem = await setSchedule(api, { cron, enabled: true })
                  setScheduleError(problem?.message ?? null)
                  if (!problem) setCronDraft(null)
                }}
              >
                <label className="sr-only" htmlFor="cron">
                  Cron expression
                </label>
                <input
                  id="cron"
                  value={cron}
                  onChange={(e) => setCronDraft(e.target.value)}
                  spellCheck={false}
                  aria-describedby="cron-help"
                />
                <button type="submit">Save</button>
                <button type="button" onClick={() => void setSchedule(api, { enabled: !schedule.enabled })}>
                  {schedule.enabled ? 'Turn off' : 'Turn on'}
                </button>
              </form>
              <p id="cron-help" className="muted small">
                Five fields in local time: minute hour day-of-month month day-of-week, e.g.{' '}
                <code>0 6 * * 1</code> for Monday 06:00. A week missed while the laptop was closed runs once
                at the next start.
              </p>
              {scheduleError && (
                <p role="alert" className="error-panel">
                  {scheduleError}
                </p>
              )}
            </>
          ) : (
            <p className="muted">Loading…</p>
          )}
        </section>
      </div>

      {logs.length > 0 && (
        <section className="panel" aria-labelledby="log-title">
          <h2 id="log-title">Log</h2>
          <ol className="log" data-testid="training-log" aria-live="polite">
            {logs.map((l, i) => (
              <li key={i} className={`log-${l.level}`}>
                <span className="muted">{new Date(l.at).toLocaleTimeString()}</span>{' '}
                {l.league ? `[${l.league}] ` : ''}
                {l.message}
              </li>
            ))}
          </ol>
        </section>
      )}

      <section className="panel" aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        {history && history.length === 0 && <p className="muted">No pipeline run yet.</p>}
        {history && history.length > 0 && (
          <table className="table" data-testid="training-history">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Trigger</th>
                <th scope="col">Outcome</th>
                <th scope="col">Took</th>
                <th scope="col">Summary</th>
              </tr>
            </thead>
            <tbody>
              {history.map((run) => (
                <RunRow key={run.id} run={run} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  )
}
