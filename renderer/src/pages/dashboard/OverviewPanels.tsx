import { useEffect, useState } from 'react'
import type { ScorelineApi, ProcedureOutput } from '../../../../shared/api/contract'
import type { AppInfo } from '../../../../shared/api/domains/app'
import { useNavigationStore, type PageId } from '../../stores/navigationStore'

type TrainingStatus = ProcedureOutput<'training.status'>
type Leagues = ProcedureOutput<'data.leagues'>
type DataStatus = ProcedureOutput<'data.status'>

const STALE_DAYS = 14
const when = (ms: number | null | undefined) => (ms ? new Date(ms).toLocaleString() : '—')

export interface Attention {
  key: string
  text: string
  fix: { label: string; page: PageId }
}

/**
 * The three things that need attention: failed runs, stale data, unreachable services, each with
 * where to fix it. Pure, so the rules are testable without a screen.
 */
export function attentionItems(input: {
  info: AppInfo | null
  training: TrainingStatus | null
  leagues: Leagues | null
  data: DataStatus | null
  now: number
}): Attention[] {
  const items: Attention[] = []
  const last = input.training?.lastRun
  if (last && (last.state === 'failed' || last.state === 'partial')) {
    const failed = last.leagues
      .filter((l) => l.state === 'failed')
      .map((l) => `${l.league}: ${l.error?.message ?? 'failed'}`)
    items.push({
      key: 'run',
      text: `The last pipeline run ${last.state === 'failed' ? 'failed' : 'partly failed'}${failed.length ? ` (${failed.join('; ')})` : ''}.`,
      fix: { label: 'Open Training', page: 'training' },
    })
  }
  const stale = (input.leagues ?? []).filter(
    (l) => l.lastDate && (input.now - Date.parse(`${l.lastDate}T00:00:00Z`)) / 86_400_000 > STALE_DAYS,
  )
  if (stale.length > 0) {
    items.push({
      key: 'stale',
      text: `No match newer than ${STALE_DAYS} days for ${stale.map((l) => `${l.code} (latest ${l.lastDate})`).join(', ')}.`,
      fix: { label: 'Update data', page: 'data' },
    })
  }
  const down = (input.info?.backends ?? []).filter((b) => b.state === 'unreachable')
  if (down.length > 0) {
    items.push({
      key: 'services',
      text: `Unreachable: ${down.map((b) => `${b.name} (${b.detail ?? 'no answer'})`).join(', ')}. Work continues locally.`,
      fix: { label: 'Check Settings', page: 'settings' },
    })
  }
  if ((input.data?.outbox.conflicts ?? 0) > 0) {
    items.push({
      key: 'conflicts',
      text: `${input.data!.outbox.conflicts} jackpot change(s) conflict with the team database.`,
      fix: { label: 'Open Data', page: 'data' },
    })
  }
  return items
}

/** Pipeline (last and next run), data freshness per league, and what needs attention. */
export function OverviewPanels({ api, info }: { api: ScorelineApi; info: AppInfo | null }) {
  const go = useNavigationStore((s) => s.go)
  const [training, setTraining] = useState<TrainingStatus | null>(null)
  const [leagues, setLeagues] = useState<Leagues | null>(null)
  const [data, setData] = useState<DataStatus | null>(null)
  const [now] = useState(() => Date.now())

  useEffect(() => {
    const load = () => {
      void api.training.status().then((r) => r.ok && setTraining(r.value))
      void api.data.leagues().then((r) => r.ok && setLeagues(r.value))
      void api.data.status({}).then((r) => r.ok && setData(r.value))
    }
    load()
    const offTraining = api.on('training.finished', load)
    const offData = api.on('data.changed', load)
    return () => {
      offTraining()
      offData()
    }
  }, [api])

  const attention = attentionItems({ info, training, leagues, data, now })
  const last = training?.lastRun
  return (
    <>
      <section className="panel" aria-labelledby="attention-title" data-testid="attention">
        <h2 id="attention-title">Needs attention</h2>
        {attention.length === 0 ? (
          <p className="muted">Nothing: runs succeeded, data is fresh, every configured service answers.</p>
        ) : (
          <ul className="attention">
            {attention.map((a) => (
              <li key={a.key}>
                {a.text}{' '}
                <button type="button" className="link" onClick={() => go(a.fix.page)}>
                  {a.fix.label}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <div className="grid-2">
        <section className="panel" aria-labelledby="pipeline-title" data-testid="pipeline-overview">
          <h2 id="pipeline-title">Pipeline</h2>
          <dl className="facts">
            <dt>Last run</dt>
            <dd>{last ? `${when(last.startedAt)} — ${last.state}: ${last.summary}` : 'never'}</dd>
            {last && last.leagues.some((l) => l.rpsSummary) && (
              <>
                <dt>RPS</dt>
                <dd>
                  <ul className="plain-list" data-testid="last-run-rps">
                    {last.leagues
                      .filter((l) => l.rpsSummary)
                      .map((l) => (
                        <li key={l.league}>
                          <strong>{l.league}</strong> {l.rpsSummary}
                        </li>
                      ))}
                  </ul>
                </dd>
              </>
            )}
            <dt>Next run</dt>
            <dd>
              {training?.schedule?.enabled
                ? `${when(training.schedule.nextRunAt)} (${training.schedule.description})`
                : 'not scheduled'}
            </dd>
            <dt>Now</dt>
            <dd>
              {training?.state === 'running'
                ? `running (${training.current?.progress?.message ?? 'starting'})`
                : 'idle'}
            </dd>
          </dl>
        </section>
        <section className="panel" aria-labelledby="freshness-title" data-testid="data-freshness">
          <h2 id="freshness-title">Data freshness</h2>
          {leagues && leagues.length === 0 && <p className="muted">No data yet.</p>}
          {leagues && leagues.length > 0 && (
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">League</th>
                  <th scope="col">Latest match</th>
                  <th scope="col">Matches</th>
                </tr>
              </thead>
              <tbody>
                {leagues.map((l) => (
                  <tr key={l.code}>
                    <td>{l.code}</td>
                    <td>{l.lastDate ?? '—'}</td>
                    <td className="num">{l.matches}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {data && (
            <p className="muted small">
              Last sync:{' '}
              {data.lastSuccessfulSyncAt ? new Date(data.lastSuccessfulSyncAt).toLocaleString() : 'never'} ·
              outbox {data.outbox.pending} pending
            </p>
          )}
        </section>
      </div>
    </>
  )
}
