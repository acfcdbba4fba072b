import type { FeatureStoreStatsDto } from '../../stores/featureStore'
import { fmtBytes, fmtMs, fmtTime } from './format'

/** Where the features live, how much, how reads go (this app's process) and who wrote last. */
export function StatsPanel({ stats }: { stats: FeatureStoreStatsDto }) {
  const { reads, writes } = stats
  const total = reads.hits + reads.misses + reads.expired
  const versions = stats.views.flatMap((v) => v.versions.map((ver) => ({ view: v.view, ...ver })))
  const keys = versions.reduce((s, v) => s + v.keys, 0)
  const bytes = versions.reduce((s, v) => s + v.approxBytes, 0)
  // The store's registry knows the last write of every version, whichever process made it.
  const last = versions.reduce<(typeof versions)[number] | null>(
    (best, v) =>
      v.lastWriteAt !== null && (best === null || v.lastWriteAt > (best.lastWriteAt ?? 0)) ? v : best,
    null,
  )
  return (
    <section className="panel" aria-labelledby="fs-stats-title" data-testid="feature-stats">
      <h2 id="fs-stats-title">Store</h2>
      <dl className="facts">
        <dt>Backend</dt>
        <dd data-testid="fs-backend">
          {stats.backend === 'redis' ? 'Redis' : 'local SQLite'} at <code>{stats.location}</code>
        </dd>
        <dt>Keys · memory</dt>
        <dd data-testid="fs-keys">
          {keys} keys · ≈ {fmtBytes(bytes)} in {versions.length} version{versions.length === 1 ? '' : 's'}
        </dd>
        <dt>Reads</dt>
        <dd data-testid="fs-reads">
          {reads.hits} hits · {reads.misses} misses · {reads.expired} expired
          {total > 0 && ` · hit rate ${((reads.hits / total) * 100).toFixed(1)}%`}
        </dd>
        <dt>Read latency</dt>
        <dd data-testid="fs-latency">
          {reads.latency.samples === 0
            ? 'no reads yet'
            : `p50 ${fmtMs(reads.latency.p50Ms)} · p90 ${fmtMs(reads.latency.p90Ms)} · p99 ${fmtMs(reads.latency.p99Ms)} · max ${fmtMs(reads.latency.maxMs)} over ${reads.latency.samples} reads`}
        </dd>
        <dt>Last write</dt>
        <dd data-testid="fs-last-write">
          {last
            ? `${fmtTime(last.lastWriteAt)} by ${last.lastWriteBy ?? 'unknown'} (${last.view}@${last.version})`
            : 'never'}
        </dd>
        <dt>Writes by this app</dt>
        <dd>
          {writes.entities} entities · {writes.ignoredOlder} older ignored · {writes.rejected} rejected
          {writes.lastWriteAt !== null &&
            ` · last ${fmtTime(writes.lastWriteAt)} by ${writes.lastWriteBy ?? '—'}`}
        </dd>
      </dl>
      <p className="muted small">Hit / miss counters and latencies are those of this app since it started.</p>
    </section>
  )
}
