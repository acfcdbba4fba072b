import { useState } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import { useDataStore, type DataQuality } from '../../stores/dataStore'

function suggestionsOf(entry: DataQuality['unresolvedNames'][number]): string[] {
  return entry.suggestions
    .map((s) =>
      typeof s === 'string'
        ? s
        : typeof s === 'object' && s && 'name' in s
          ? String((s as { name: unknown }).name)
          : null,
    )
    .filter((s): s is string => s !== null)
}

export function QualityPanel({ api }: { api: ScorelineApi }) {
  const { quality, addAlias, loadQuality } = useDataStore()
  const [message, setMessage] = useState<string | null>(null)
  if (quality.error)
    return (
      <p role="alert" className="error-panel">
        {quality.error.message}
      </p>
    )
  if (!quality.data) return <p className="muted">Checking data quality…</p>
  const q = quality.data
  return (
    <section className="panel" aria-labelledby="quality-title" data-testid="quality-panel">
      <h2 id="quality-title">Data quality</h2>
      <ul className="quality-summary">
        <li>
          <strong>{q.missingOdds.total}</strong> played matches without odds
        </li>
        <li>
          <strong>{q.duplicateCandidates.length}</strong> possible duplicates
        </li>
        <li>
          <strong>{q.unresolvedNames.length}</strong> unresolved team names
        </li>
        <li>
          <strong>{q.missingResults}</strong> past matches without a result
        </li>
      </ul>
      {message && <p className="muted">{message}</p>}
      {q.unresolvedNames.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">League</th>
              <th scope="col">Name</th>
              <th scope="col">Seen in</th>
              <th scope="col">Add alias</th>
            </tr>
          </thead>
          <tbody>
            {q.unresolvedNames.map((u) => (
              <tr key={`${u.league}:${u.name}`}>
                <td>{u.league}</td>
                <td>{u.name}</td>
                <td className="muted">{u.source}</td>
                <td>
                  {suggestionsOf(u)
                    .slice(0, 3)
                    .map((s) => (
                      <button
                        key={s}
                        type="button"
                        onClick={async () => {
                          const error = await addAlias(api, { team: s, alias: u.name, league: u.league })
                          setMessage(error ? error.message : `"${u.name}" now means ${s} in ${u.league}.`)
                          await loadQuality(api)
                        }}
                      >
                        = {s}
                      </button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {q.duplicateCandidates.length > 0 && (
        <details>
          <summary>Possible duplicates</summary>
          <ul>
            {q.duplicateCandidates.slice(0, 50).map((d, i) => (
              <li key={i}>
                {d.league} {d.season}: {d.description}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  )
}
