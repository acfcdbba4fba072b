import { useRef, useState } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import { useDataStore } from '../../stores/dataStore'

/** File.arrayBuffer where available; FileReader otherwise (older engines, jsdom). */
function readBytes(file: File): Promise<ArrayBuffer> {
  if (typeof file.arrayBuffer === 'function') return file.arrayBuffer()
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(reader.result as ArrayBuffer)
    reader.onerror = () => reject(reader.error)
    reader.readAsArrayBuffer(file)
  })
}

export function ImportPanel({ api }: { api: ScorelineApi }) {
  const { imports, importFiles } = useDataStore()
  const [dragging, setDragging] = useState(false)
  const input = useRef<HTMLInputElement>(null)

  const submit = async (list: FileList | null) => {
    if (!list || list.length === 0) return
    const files = await Promise.all([...list].map(async (f) => ({ name: f.name, bytes: await readBytes(f) })))
    await importFiles(api, files)
  }

  return (
    <section className="panel" aria-labelledby="import-title">
      <h2 id="import-title">Import CSV files</h2>
      <div
        className={`dropzone${dragging ? ' dropzone-active' : ''}`}
        onDragOver={(e) => {
          e.preventDefault()
          setDragging(true)
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault()
          setDragging(false)
          void submit(e.dataTransfer.files)
        }}
      >
        <p>Drop football-data.co.uk season files here, or</p>
        <button type="button" onClick={() => input.current?.click()} disabled={imports.running}>
          {imports.running ? 'Importing…' : 'Choose files…'}
        </button>
        <input
          ref={input}
          type="file"
          accept=".csv,text/csv"
          multiple
          hidden
          data-testid="import-input"
          onChange={(e) => {
            void submit(e.target.files)
            e.target.value = ''
          }}
        />
        <p className="muted small">
          Each file is imported whole or not at all; importing the same file again changes nothing.
        </p>
      </div>
      {imports.outcomes.length > 0 && (
        <ul className="import-results" data-testid="import-results">
          {imports.outcomes.map((o, i) =>
            o.ok ? (
              <li key={i} className="ok">
                <strong>{o.file}</strong>: {o.result.league} {o.result.season} — {o.result.matches.inserted}{' '}
                inserted, {o.result.matches.updated} updated, {o.result.matches.unchanged} unchanged
                {o.result.warnings.length > 0 && (
                  <span className="muted"> ({o.result.warnings.length} warnings)</span>
                )}
              </li>
            ) : (
              <li key={i} className="bad" role="alert">
                <strong>{o.file}</strong>: rejected, nothing imported —{' '}
                <span className="pre">{o.error.message}</span>
              </li>
            ),
          )}
        </ul>
      )}
    </section>
  )
}
