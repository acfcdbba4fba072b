/**
 * Plain-text renderings of feature store answers for the terminal (`scoreline features stats|get`);
 * `--json` prints the objects themselves.
 */
import { missMessage, type EntityRead, type FeatureStoreStats, type LeagueRead } from './featureStore'

const when = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().replace('.000Z', 'Z'))
const kb = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`)
const ms = (x: number | null) => (x === null ? '—' : `${x.toFixed(3)} ms`)

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

export function formatFeatureStats(stats: FeatureStoreStats): string {
  const rows = [['view', 'version', 'state', 'keys', 'memory', 'last write', 'by', 'model', 'data']]
  for (const v of stats.views) {
    if (v.versions.length === 0) rows.push([v.view, '—', 'no versions', '0', '0 B', '—', '—', '—', '—'])
    for (const ver of v.versions) {
      rows.push([
        v.view,
        `@${ver.version}${ver.version === v.activeVersion ? ' *' : ''}`,
        ver.state,
        String(ver.keys),
        kb(ver.approxBytes),
        when(ver.lastWriteAt),
        ver.lastWriteBy ?? '—',
        ver.lineage.modelVersion ?? '—',
        ver.lineage.dataFingerprint,
      ])
    }
  }
  const r = stats.reads
  return [
    `Feature store: ${stats.backend} at ${stats.location}   (* = active version)`,
    table(rows),
    `Reads: ${r.hits} hits, ${r.misses} misses, ${r.expired} expired; latency p50 ${ms(r.latency.p50Ms)}, ` +
      `p90 ${ms(r.latency.p90Ms)}, p99 ${ms(r.latency.p99Ms)} over ${r.latency.samples} reads (this process)`,
    `Writes: ${stats.writes.entities} entities, ${stats.writes.ignoredOlder} older ignored, ` +
      `${stats.writes.rejected} rejected; last ${when(stats.writes.lastWriteAt)} by ${stats.writes.lastWriteBy ?? '—'}`,
  ].join('\n')
}

export function formatEntityRead(read: EntityRead): string {
  if (read.status !== 'hit') return `${read.league} ${read.entity}: ${read.status}: ${read.message}`
  const lines = Object.entries(read.values).map(([k, v]) => [
    `  ${k}`,
    typeof v === 'number' ? String(+v.toPrecision(6)) : v,
  ])
  return [
    `${read.league} ${read.entity}  ${read.view}@${read.version}  event ${when(read.eventTime)}  expires ${when(read.expiresAt)}`,
    table(lines),
  ].join('\n')
}

export function formatLeagueRead(read: LeagueRead): string {
  if (read.version === null)
    return read.view === 'match_probabilities'
      ? missMessage('no_active_version', read.view, null, read.league, '')
      : `${read.view} has no active version yet: run \`scoreline features rebuild\``
  const names = [...new Set(read.entities.flatMap((e) => Object.keys(e.values)))]
  const rows = [
    ['entity', ...names],
    ...read.entities.map((e) => [
      e.entity,
      ...names.map((n) => {
        const v = e.values[n]
        return v === undefined ? '—' : typeof v === 'number' ? String(+v.toPrecision(4)) : v
      }),
    ]),
  ]
  const expired = read.expired.length ? `\nexpired: ${read.expired.map((e) => e.entity).join(', ')}` : ''
  return `${read.league}  ${read.view}@${read.version}  ${read.entities.length} entities\n${table(rows)}${expired}`
}
