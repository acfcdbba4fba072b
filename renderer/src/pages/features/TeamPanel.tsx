import type { FeatureSpecDto } from '../../../../shared/api/domains/features'
import type { HistoryEntryDto, TeamDetail, ViewInfoDto } from '../../stores/featureStore'
import { fmtRange, fmtTime, fmtValue } from './format'

/** Where a value sits in its valid range, as a small bar (numbers with both bounds only). */
function RangeBar({ value, spec }: { value: number; spec: FeatureSpecDto }) {
  if (spec.min === undefined || spec.max === undefined || spec.max <= spec.min) return null
  const f = Math.min(1, Math.max(0, (value - spec.min) / (spec.max - spec.min)))
  return (
    <svg width="80" height="10" viewBox="0 0 80 10" aria-hidden="true" className="fs-range">
      <rect x="0" y="4" width="80" height="2" className="track" />
      <circle cx={2 + f * 76} cy="5" r="3.5" />
    </svg>
  )
}

/** A feature's values across versions, oldest to newest (left to right). */
function Sparkline({ values }: { values: (number | null)[] }) {
  const known = values.filter((v): v is number => v !== null)
  if (known.length < 2) return null
  const lo = Math.min(...known)
  const hi = Math.max(...known)
  const W = 90
  const H = 22
  const x = (i: number) => 3 + (i / (values.length - 1)) * (W - 6)
  const y = (v: number) => (hi === lo ? H / 2 : 3 + (1 - (v - lo) / (hi - lo)) * (H - 6))
  const pts = values.map((v, i) => (v === null ? null : `${x(i)},${y(v)}`)).filter(Boolean)
  return (
    <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} aria-hidden="true" className="fs-spark">
      <polyline points={pts.join(' ')} />
      {values.map((v, i) => (v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r="2" />))}
    </svg>
  )
}

function versionLabel(h: HistoryEntryDto): string {
  return `@${h.version}`
}

/** One team: the active value of every feature with its valid range, and its values in every stored version. */
export function TeamPanel({
  detail,
  views,
  loading,
}: {
  detail: TeamDetail
  views: ViewInfoDto[]
  loading: boolean
}) {
  return (
    <section
      className="panel"
      aria-labelledby="fs-team-title"
      data-testid="team-features"
      aria-busy={loading || undefined}
    >
      <h2 id="fs-team-title">
        {detail.team} <span className="muted">({detail.league})</span>
      </h2>
      {detail.views.map(({ view, current, history }) => {
        const def = views.find((v) => v.definition.name === view)?.definition
        if (!def) return null
        const oldestFirst = [...history].reverse()
        const activatedAt = (version: number) =>
          views.find((v) => v.definition.name === view)?.versions.find((x) => x.version === version)
            ?.activatedAt ?? null
        return (
          <article key={view} className="fs-team-view" data-testid={`team-view-${view}`}>
            <h3>
              <code>{view}</code>{' '}
              {current.status === 'hit' ? (
                <span className="muted small">
                  @{current.version} · as of {fmtTime(current.eventTime)} · expires{' '}
                  {fmtTime(current.expiresAt)}
                </span>
              ) : (
                <span className="badge badge-unreachable" data-testid={`team-miss-${view}`}>
                  {current.status.replace(/_/g, ' ')}
                </span>
              )}
            </h3>
            {current.status !== 'hit' && <p className="muted">{current.message}</p>}
            <div className="table-scroll">
              <table className="table compact">
                <caption className="visually-hidden">
                  {detail.team}: {view} now and in every stored version
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Feature</th>
                    <th scope="col">Current</th>
                    <th scope="col">Valid range</th>
                    <th scope="col">
                      <span className="visually-hidden">Position in range</span>
                    </th>
                    {oldestFirst.map((h) => (
                      <th
                        key={h.version}
                        scope="col"
                        className="num"
                        title={`${h.state}; model ${h.lineage.modelVersion ?? '—'}; data ${h.lineage.dataFingerprint}; activated ${fmtTime(activatedAt(h.version))}`}
                      >
                        {versionLabel(h)}
                        <div className="small muted fs-version-meta">
                          {h.state}
                          <br />
                          {h.lineage.modelVersion ?? '—'}
                        </div>
                      </th>
                    ))}
                    {oldestFirst.length >= 2 && <th scope="col">Across versions</th>}
                  </tr>
                </thead>
                <tbody>
                  {def.features.map((spec) => {
                    const value = current.status === 'hit' ? current.values[spec.name] : undefined
                    const series = oldestFirst.map((h) => {
                      const v = h.read.status === 'hit' ? h.read.values[spec.name] : undefined
                      return typeof v === 'number' ? v : null
                    })
                    return (
                      <tr key={spec.name} data-testid={`feature-${view}-${spec.name}`}>
                        <th scope="row" title={spec.description}>
                          <code>{spec.name}</code>
                        </th>
                        <td className="num" data-testid="current-value">
                          {fmtValue(value, spec)}
                        </td>
                        <td className="num muted">{fmtRange(spec)}</td>
                        <td>{typeof value === 'number' && <RangeBar value={value} spec={spec} />}</td>
                        {oldestFirst.map((h) => (
                          <td key={h.version} className="num">
                            {h.read.status === 'hit'
                              ? fmtValue(h.read.values[spec.name], spec)
                              : h.read.status}
                          </td>
                        ))}
                        {oldestFirst.length >= 2 && (
                          <td>
                            <Sparkline values={series} />
                          </td>
                        )}
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </div>
            {history.length <= 1 && (
              <p className="muted small">
                Only one version is stored: retired versions stay readable for a grace period after a switch.
              </p>
            )}
          </article>
        )
      })}
    </section>
  )
}
