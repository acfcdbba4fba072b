import { useState } from 'react'
import type { FeatureStoreStatsDto, ViewInfoDto } from '../../stores/featureStore'
import { fmtBytes, fmtRange, fmtTime, shortFingerprint } from './format'

function ttlText(view: ViewInfoDto['definition']): string {
  if (view.ttl.kind === 'whileActive') return 'while its version is active (superseded: the grace period)'
  const hours = view.ttl.ms / 3_600_000
  const span = hours >= 48 ? `${+(hours / 24).toFixed(1)} days` : `${+hours.toFixed(1)} hours`
  return view.ttl.kind === 'fixed' ? `${span} after the write` : `${span} after kickoff`
}

/** Every view: definition (features with valid ranges), versions with the active one marked, lineage. */
export function ViewsPanel({ views, stats }: { views: ViewInfoDto[]; stats: FeatureStoreStatsDto | null }) {
  const [open, setOpen] = useState<string | null>(null)
  const sizeOf = (view: string, version: number) =>
    stats?.views.find((v) => v.view === view)?.versions.find((v) => v.version === version)
  return (
    <section className="panel" aria-labelledby="fs-views-title" data-testid="feature-views">
      <h2 id="fs-views-title">Views and versions</h2>
      {views.map(({ definition: d, activeVersion, versions }) => (
        <article key={d.name} className="fs-view" data-testid={`view-${d.name}`}>
          <h3>
            <code>{d.name}</code>{' '}
            {activeVersion === null ? (
              <span className="badge badge-not-configured">no active version</span>
            ) : (
              <span className="badge badge-reachable" data-testid={`active-${d.name}`}>
                active @{activeVersion}
              </span>
            )}
          </h3>
          <p className="muted small">
            {d.description}. Entity: {d.entity}; {d.validation} validation; entities expire {ttlText(d)}
            {Object.keys(d.params).length > 0 &&
              `; ${Object.entries(d.params)
                .map(([k, v]) => `${k} = ${v}`)
                .join(', ')}`}
            .{' '}
            <button
              type="button"
              className="link"
              aria-expanded={open === d.name}
              aria-controls={`fs-def-${d.name}`}
              onClick={() => setOpen(open === d.name ? null : d.name)}
            >
              {open === d.name ? 'Hide' : 'Show'} its {d.features.length} features
            </button>
          </p>
          {open === d.name && (
            <table className="table compact" id={`fs-def-${d.name}`}>
              <caption className="visually-hidden">Features of {d.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Feature</th>
                  <th scope="col">Type</th>
                  <th scope="col">Valid range</th>
                  <th scope="col">Required</th>
                  <th scope="col">Meaning</th>
                </tr>
              </thead>
              <tbody>
                {d.features.map((f) => (
                  <tr key={f.name}>
                    <th scope="row">
                      <code>{f.name}</code>
                    </th>
                    <td>{f.type}</td>
                    <td className="num">{fmtRange(f)}</td>
                    <td>{f.required ? 'yes' : 'no'}</td>
                    <td>{f.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {versions.length === 0 ? (
            <p className="muted">No version yet.</p>
          ) : (
            <div className="table-scroll">
              <table className="table compact" data-testid={`versions-${d.name}`}>
                <caption className="visually-hidden">Versions of {d.name}, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Version</th>
                    <th scope="col">State</th>
                    <th scope="col">Entities</th>
                    <th scope="col">Keys · memory</th>
                    <th scope="col">Model version</th>
                    <th scope="col">Run</th>
                    <th scope="col">Data fingerprint</th>
                    <th scope="col">Created</th>
                    <th scope="col">Activated</th>
                    <th scope="col">Last write</th>
                  </tr>
                </thead>
                <tbody>
                  {versions.map((v) => {
                    const size = sizeOf(d.name, v.version)
                    return (
                      <tr
                        key={v.version}
                        className={v.state === 'active' ? 'selected-row' : undefined}
                        data-testid={`version-${d.name}-${v.version}`}
                      >
                        <th scope="row">
                          @{v.version}
                          {v.state === 'active' && <span className="visually-hidden"> (active)</span>}
                        </th>
                        <td>
                          <span className={`fs-state fs-state-${v.state}`}>{v.state}</span>
                          {v.state === 'retired' && v.expiresAt !== null && (
                            <div className="muted small">expires {fmtTime(v.expiresAt)}</div>
                          )}
                        </td>
                        <td className="num">{v.entityCount}</td>
                        <td className="num">{size ? `${size.keys} · ${fmtBytes(size.approxBytes)}` : '—'}</td>
                        <td data-testid="lineage-model">{v.lineage.modelVersion ?? '—'}</td>
                        <td>
                          {v.lineage.runId ? (
                            <code title={v.lineage.runId}>{v.lineage.runId.slice(0, 12)}</code>
                          ) : (
                            '—'
                          )}
                        </td>
                        <td>
                          <code title={v.lineage.dataFingerprint}>
                            {shortFingerprint(v.lineage.dataFingerprint)}
                          </code>
                          {v.lineage.note && <div className="muted small">{v.lineage.note}</div>}
                        </td>
                        <td>
                          {fmtTime(v.createdAt)}
                          <div className="muted small">by {v.createdBy}</div>
                        </td>
                        <td>{fmtTime(v.activatedAt)}</td>
                        <td>
                          {fmtTime(v.lastWriteAt)}
                          {v.lastWriteBy && <div className="muted small">by {v.lastWriteBy}</div>}
                        </td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </div>
          )}
        </article>
      ))}
    </section>
  )
}
