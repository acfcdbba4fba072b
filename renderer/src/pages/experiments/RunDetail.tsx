import { useEffect, useState } from 'react'
import type { ScorelineApi, ProcedureOutput } from '../../../../shared/api/contract'
import type { ApiErrorShape } from '../../../../shared/api/errors'
import { fmtNum, fmtTime } from '../models/format'

type RunView = ProcedureOutput<'tracking.getRun'>
type Entry = RunView['artifacts'][number]
type Artifact = ProcedureOutput<'tracking.readArtifact'>

function utf8ToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

function parseCsv(text: string, limit: number): string[][] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.length > 0)
    .slice(0, limit + 1)
    .map((l) => l.split(','))
}

/** One artifact, inside the app: JSON pretty-printed, CSV as a table, SVG and images drawn, text as is. */
function ArtifactView({ artifact }: { artifact: Artifact }) {
  if (artifact.contentType === 'image/svg+xml' && artifact.text !== null)
    return (
      <img
        alt={artifact.path}
        src={`data:image/svg+xml;base64,${utf8ToBase64(artifact.text)}`}
        className="artifact-image"
      />
    )
  if (artifact.base64 !== null && artifact.contentType.startsWith('image/'))
    return (
      <img
        alt={artifact.path}
        src={`data:${artifact.contentType};base64,${artifact.base64}`}
        className="artifact-image"
      />
    )
  if (artifact.contentType === 'text/csv' && artifact.text !== null) {
    const rows = parseCsv(artifact.text, 200)
    const [head, ...body] = rows
    return (
      <div className="table-scroll artifact-box">
        <table className="table compact">
          <thead>
            <tr>
              {head?.map((h, i) => (
                <th key={i} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {body.map((r, i) => (
              <tr key={i}>
                {r.map((c, j) => (
                  <td key={j}>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {artifact.text.split('\n').length > 202 && <p className="muted small">First 200 rows.</p>}
      </div>
    )
  }
  if (artifact.text !== null) {
    let text = artifact.text
    if (artifact.contentType === 'application/json') {
      try {
        text = JSON.stringify(JSON.parse(text), null, 2)
      } catch {
        // show as is
      }
    }
    return <pre className="pre artifact-box">{text}</pre>
  }
  return <p className="muted">Binary file ({artifact.size} bytes): open it with MLflow.</p>
}

export function RunDetail({
  api,
  runId,
  onClose,
}: {
  api: ScorelineApi
  runId: string
  onClose: () => void
}) {
  const [view, setView] = useState<RunView | null>(null)
  const [error, setError] = useState<ApiErrorShape | null>(null)
  const [folders, setFolders] = useState<Record<string, Entry[]>>({})
  const [artifact, setArtifact] = useState<Artifact | null>(null)
  const [loadingPath, setLoadingPath] = useState<string | null>(null)

  useEffect(() => {
    // the parent remounts this component per run (key), so the state starts empty
    let live = true
    void api.tracking.getRun({ runId }).then((r) => {
      if (!live) return
      if (r.ok) setView(r.value)
      else setError(r.error)
    })
    return () => {
      live = false
    }
  }, [api, runId])

  const open = async (entry: Entry) => {
    setLoadingPath(entry.path)
    if (entry.isDir) {
      if (folders[entry.path]) {
        const { [entry.path]: _gone, ...rest } = folders
        setFolders(rest)
      } else {
        const r = await api.tracking.artifacts({ runId, path: entry.path })
        if (r.ok) setFolders((f) => ({ ...f, [entry.path]: r.value }))
        else setError(r.error)
      }
    } else {
      const r = await api.tracking.readArtifact({ runId, path: entry.path })
      if (r.ok) setArtifact(r.value)
      else setError(r.error)
    }
    setLoadingPath(null)
  }

  const renderEntries = (entries: Entry[], depth: number): React.ReactNode =>
    entries.map((e) => (
      <li key={e.path} style={{ paddingLeft: depth * 16 }}>
        <button
          type="button"
          className="link"
          onClick={() => void open(e)}
          aria-expanded={e.isDir ? Boolean(folders[e.path]) : undefined}
        >
          {e.isDir ? (folders[e.path] ? '▾ ' : '▸ ') : ''}
          {e.path.split('/').pop()}
        </button>
        {e.fileSize !== null && <span className="muted small"> {(e.fileSize / 1024).toFixed(1)} KB</span>}
        {loadingPath === e.path && <span className="muted small"> loading…</span>}
        {folders[e.path] && <ul className="artifact-tree">{renderEntries(folders[e.path], depth + 1)}</ul>}
      </li>
    ))

  return (
    <section className="panel" aria-labelledby="run-detail-title" data-testid="run-detail">
      <header className="page-header">
        <h2 id="run-detail-title">{view ? view.run.runName || view.run.runId : 'Run'}</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {error && (
        <p role="alert" className="error-panel">
          {error.code}: {error.message}
        </p>
      )}
      {!view && !error && <p className="muted">Loading the run…</p>}
      {view && (
        <div className="grid-2">
          <div>
            <dl className="facts">
              <dt>Run id</dt>
              <dd>
                <code>{view.run.runId}</code>
              </dd>
              <dt>Status</dt>
              <dd>{view.run.status.toLowerCase()}</dd>
              <dt>Started</dt>
              <dd>{fmtTime(view.run.startTime)}</dd>
              {view.run.parentRunId && (
                <>
                  <dt>Parent run</dt>
                  <dd>
                    <code>{view.run.parentRunId}</code>
                  </dd>
                </>
              )}
              <dt>Params</dt>
              <dd>{Object.keys(view.run.params).length}</dd>
              <dt>rps</dt>
              <dd>{fmtNum(view.run.metrics.rps)}</dd>
            </dl>
            <h3>Artifacts</h3>
            {view.artifacts.length === 0 ? (
              <p className="muted">This run logged no artifact.</p>
            ) : (
              <ul className="artifact-tree" data-testid="artifacts">
                {renderEntries(view.artifacts, 0)}
              </ul>
            )}
          </div>
          <div>
            {artifact ? (
              <>
                <h3>{artifact.path}</h3>
                <ArtifactView artifact={artifact} />
              </>
            ) : (
              <p className="muted">Choose an artifact to open it here.</p>
            )}
          </div>
        </div>
      )}
    </section>
  )
}
