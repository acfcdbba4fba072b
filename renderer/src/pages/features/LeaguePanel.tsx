import { useMemo, useState } from 'react'
import type { FeatureSpecDto } from '../../../../shared/api/domains/features'
import type { LeagueReadDto, ViewInfoDto } from '../../stores/featureStore'
import { ratedOnLabel } from '../../../../shared/modelReport'
import { fmtRange, fmtValue } from './format'

/** "rated on 4 matches" for a team rated on fewer than 10 (#20). */
const ratedOn = (matches: unknown) => (typeof matches === 'number' ? ratedOnLabel(matches) : null)

interface Column {
  key: string
  view: string
  spec: FeatureSpecDto
}
interface Row {
  team: string
  values: Record<string, number | string | undefined>
}

/** Joins the league's reads of every team view into one row per team, keyed `view.feature`. */
export function leagueRows(reads: LeagueReadDto[]): Row[] {
  const byTeam = new Map<string, Row>()
  for (const read of reads) {
    for (const e of read.entities) {
      const row = byTeam.get(e.entity) ?? { team: e.entity, values: {} }
      for (const [k, v] of Object.entries(e.values)) row.values[`${read.view}.${k}`] = v
      byTeam.set(e.entity, row)
    }
  }
  return [...byTeam.values()]
}

type Sort = { key: string; dir: 'asc' | 'desc' }

export function sortRows(rows: Row[], sort: Sort): Row[] {
  const sign = sort.dir === 'asc' ? 1 : -1
  return [...rows].sort((a, b) => {
    const x = sort.key === 'team' ? a.team : a.values[sort.key]
    const y = sort.key === 'team' ? b.team : b.values[sort.key]
    if (x === undefined && y === undefined) return a.team.localeCompare(b.team)
    if (x === undefined) return 1 // missing values last, whatever the direction
    if (y === undefined) return -1
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))
    return c !== 0 ? sign * c : a.team.localeCompare(b.team)
  })
}

/** A league's teams: a sortable table of every team feature, and attack against defence with whiskers. */
export function LeaguePanel({
  league,
  leagues,
  views,
  reads,
  loading,
  selectedTeam,
  onLeague,
  onTeam,
}: {
  league: string | null
  leagues: string[]
  views: ViewInfoDto[]
  reads: LeagueReadDto[] | null
  loading: boolean
  selectedTeam: string | null
  onLeague: (league: string) => void
  onTeam: (team: string) => void
}) {
  const [sort, setSort] = useState<Sort>({ key: 'team_ratings.attack', dir: 'desc' })
  const columns: Column[] = useMemo(
    () =>
      views
        .filter((v) => v.definition.entity === 'team')
        .flatMap((v) =>
          v.definition.features.map((spec) => ({
            key: `${v.definition.name}.${spec.name}`,
            view: v.definition.name,
            spec,
          })),
        ),
    [views],
  )
  const rows = useMemo(() => sortRows(leagueRows(reads ?? []), sort), [reads, sort])
  const groups = columns.reduce<{ view: string; span: number }[]>((acc, c) => {
    const last = acc[acc.length - 1]
    if (last && last.view === c.view) last.span++
    else acc.push({ view: c.view, span: 1 })
    return acc
  }, [])
  const versionOf = (view: string) => reads?.find((r) => r.view === view)?.version ?? null
  const expired = (reads ?? []).flatMap((r) => r.expired.map((e) => `${e.entity} (${r.view})`))

  const header = (key: string, label: string, title?: string) => {
    const active = sort.key === key
    return (
      <th
        scope="col"
        key={key}
        aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
        title={title}
      >
        <button
          type="button"
          className="link sort"
          onClick={() =>
            setSort(
              active
                ? { key, dir: sort.dir === 'asc' ? 'desc' : 'asc' }
                : { key, dir: key === 'team' ? 'asc' : 'desc' },
            )
          }
        >
          {label}
          {active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
        </button>
      </th>
    )
  }

  return (
    <section className="panel" aria-labelledby="fs-league-title" data-testid="league-features">
      <h2 id="fs-league-title">League</h2>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="League">
        <label>
          League
          <select value={league ?? ''} onChange={(e) => onLeague(e.target.value)} data-testid="league-select">
            {leagues.length === 0 && <option value="">none</option>}
            {leagues.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">
          {groups.map((g) => `${g.view}@${versionOf(g.view) ?? '—'}`).join(' · ')}
          {loading && ' · loading…'}
        </span>
      </form>
      {leagues.length === 0 && (
        <p className="empty-state">No league in the local store: import or sync match data first.</p>
      )}
      {reads && rows.length === 0 && !loading && (
        <p className="empty-state" data-testid="league-empty">
          No team features for {league}
          {reads.every((r) => r.version === null)
            ? ': the views have no active version yet.'
            : ' in the active versions (has the pipeline trained this league?).'}
        </p>
      )}
      {expired.length > 0 && (
        <p className="warn-panel" role="status">
          Expired, rebuild for fresh values: {expired.join(', ')}
        </p>
      )}
      {rows.length > 0 && (
        <>
          <div className="table-scroll">
            <table className="table compact fs-league" data-testid="league-table">
              <caption className="visually-hidden">
                {league} teams and their current features; column headers sort
              </caption>
              <thead>
                <tr>
                  <td />
                  {groups.map((g) => (
                    <th key={g.view} scope="colgroup" colSpan={g.span} className="fs-group">
                      {g.view}
                    </th>
                  ))}
                </tr>
                <tr>
                  {header('team', 'Team')}
                  {columns.map((c) =>
                    header(
                      c.key,
                      c.spec.name.replace(/_/g, ' '),
                      `${c.spec.description} (valid ${fmtRange(c.spec)})`,
                    ),
                  )}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr
                    key={r.team}
                    className={r.team === selectedTeam ? 'selected-row' : undefined}
                    data-testid={`team-row-${r.team}`}
                  >
                    <th scope="row">
                      <button
                        type="button"
                        className="link"
                        aria-pressed={r.team === selectedTeam}
                        onClick={() => onTeam(r.team)}
                      >
                        {r.team}
                      </button>
                      {ratedOn(r.values['team_ratings.matches']) && (
                        <span className="muted" data-testid={`rated-on-${r.team}`}>
                          {' '}
                          {ratedOn(r.values['team_ratings.matches'])}
                        </span>
                      )}
                    </th>
                    {columns.map((c) => (
                      <td key={c.key} className="num">
                        {fmtValue(r.values[c.key], c.spec)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <RatingsChart rows={rows} selectedTeam={selectedTeam} onTeam={onTeam} league={league ?? ''} />
        </>
      )}
    </section>
  )
}

/** Attack (x) against defence (y, lower concedes less, so drawn upwards) with ±1 standard-error whiskers. */
export function RatingsChart({
  rows,
  selectedTeam,
  onTeam,
  league,
}: {
  rows: Row[]
  selectedTeam: string | null
  onTeam: (team: string) => void
  league: string
}) {
  const points = rows
    .map((r) => ({
      team: r.team,
      x: r.values['team_ratings.attack'],
      y: r.values['team_ratings.defence'],
      xe: r.values['team_ratings.attack_se'],
      ye: r.values['team_ratings.defence_se'],
    }))
    .filter(
      (p): p is { team: string; x: number; y: number; xe: number | undefined; ye: number | undefined } =>
        typeof p.x === 'number' && typeof p.y === 'number',
    )
  if (points.length === 0) return null
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
  const xs = points.flatMap((p) => [p.x - num(p.xe), p.x + num(p.xe)])
  const ys = points.flatMap((p) => [p.y - num(p.ye), p.y + num(p.ye)])
  const pad = (lo: number, hi: number) => {
    const span = Math.max(hi - lo, 0.1)
    return [lo - span * 0.08, hi + span * 0.08] as const
  }
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs))
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys))
  const W = 640
  const H = 420
  const L = 56
  const B = 44
  const T = 12
  const R = 16
  const sx = (x: number) => L + ((x - x0) / (x1 - x0)) * (W - L - R)
  // lower defence (concedes less) at the top
  const sy = (y: number) => T + ((y - y0) / (y1 - y0)) * (H - T - B)
  const ticks = (lo: number, hi: number) => {
    const step = [0.1, 0.2, 0.25, 0.5, 1].find((s) => (hi - lo) / s <= 8) ?? 1
    const out: number[] = []
    for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) out.push(+t.toFixed(6))
    return out
  }
  return (
    <figure className="fs-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="group"
        aria-label={`${league}: attack against defence of ${points.length} teams, with ±1 standard error`}
        data-testid="ratings-chart"
      >
        {ticks(x0, x1).map((t) => (
          <g key={`x${t}`} className="axis">
            <line x1={sx(t)} x2={sx(t)} y1={T} y2={H - B} className="grid" />
            <text x={sx(t)} y={H - B + 16} textAnchor="middle">
              {t}
            </text>
          </g>
        ))}
        {ticks(y0, y1).map((t) => (
          <g key={`y${t}`} className="axis">
            <line x1={L} x2={W - R} y1={sy(t)} y2={sy(t)} className="grid" />
            <text x={L - 6} y={sy(t) + 4} textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        {x0 < 0 && x1 > 0 && <line x1={sx(0)} x2={sx(0)} y1={T} y2={H - B} className="zero" />}
        {y0 < 0 && y1 > 0 && <line x1={L} x2={W - R} y1={sy(0)} y2={sy(0)} className="zero" />}
        <text x={(L + W - R) / 2} y={H - 6} textAnchor="middle" className="axis">
          attack α (scores more →)
        </text>
        <text
          x={14}
          y={(T + H - B) / 2}
          textAnchor="middle"
          className="axis"
          transform={`rotate(-90 14 ${(T + H - B) / 2})`}
        >
          defence β (concedes less ↑)
        </text>
        {/* the selected team drawn last, on top of its neighbours */}
        {[
          ...points.filter((p) => p.team !== selectedTeam),
          ...points.filter((p) => p.team === selectedTeam),
        ].map((p) => {
          const selected = p.team === selectedTeam
          const label = `${p.team}: attack ${p.x.toFixed(3)}${p.xe !== undefined ? ` ± ${p.xe.toFixed(3)}` : ''}, defence ${p.y.toFixed(3)}${p.ye !== undefined ? ` ± ${p.ye.toFixed(3)}` : ''}`
          return (
            <g
              key={p.team}
              className={`fs-point${selected ? ' selected' : ''}`}
              role="button"
              tabIndex={0}
              aria-label={label}
              aria-pressed={selected}
              data-testid={`point-${p.team}`}
              onClick={() => onTeam(p.team)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault()
                  onTeam(p.team)
                }
              }}
            >
              <title>{label}</title>
              {p.xe !== undefined && (
                <line x1={sx(p.x - p.xe)} x2={sx(p.x + p.xe)} y1={sy(p.y)} y2={sy(p.y)} className="whisker" />
              )}
              {p.ye !== undefined && (
                <line x1={sx(p.x)} x2={sx(p.x)} y1={sy(p.y - p.ye)} y2={sy(p.y + p.ye)} className="whisker" />
              )}
              <circle cx={sx(p.x)} cy={sy(p.y)} r={selected ? 6 : 4} />
              <text x={sx(p.x) + 7} y={sy(p.y) - 6} className="fs-point-label">
                {p.team}
              </text>
            </g>
          )
        })}
      </svg>
      <figcaption className="muted small">
        Dixon-Coles attack α and defence β of the active team_ratings version; whiskers ±1 standard error. Top
        right: scores more and concedes less.
      </figcaption>
    </figure>
  )
}
