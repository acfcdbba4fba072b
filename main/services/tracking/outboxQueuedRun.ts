/**
 * A run still waiting in the offline outbox, read back from its queued operations (start, logs, artifacts,
 * end): what the desktop serves while MLflow is unreachable — the champion it just promoted offline is read
 * from here (its `model/model.json`) until the replay gives the run its server id (#21).
 */
import type Database from 'better-sqlite3'
import type { OutboxOp } from './outboxTrackingStore'
import type { ArtifactEntry, Run } from './trackingStore'

interface Row {
  payload: string
  blob: Buffer | null
}

function opsOf(
  db: Database.Database,
  target: string,
  runId: string,
): { op: OutboxOp; blob: Buffer | null }[] {
  const rows = db
    .prepare(
      `SELECT payload, blob FROM tr_outbox WHERE target = ? AND op IN ('startRun', 'log', 'logArtifact', 'endRun')
         AND (json_extract(payload, '$.localId') = ? OR json_extract(payload, '$.runId') = ?) ORDER BY seq`,
    )
    .all(target, runId, runId) as Row[]
  return rows.map((r) => ({ op: JSON.parse(r.payload) as OutboxOp, blob: r.blob }))
}

/** The queued run as `getRun` answers it, or null when the outbox no longer holds its start. */
export function queuedRun(db: Database.Database, target: string, runId: string): Run | null {
  const ops = opsOf(db, target, runId)
  const start = ops.find((o) => o.op.op === 'startRun')?.op
  if (!start || start.op !== 'startRun') return null
  const run: Run = {
    info: {
      runId,
      experimentId: start.experimentId,
      runName: start.runName,
      status: 'RUNNING',
      startTime: start.startTime,
      lifecycleStage: 'active',
    },
    params: {},
    metrics: {},
    tags: { ...start.tags },
  }
  const latest: Record<string, { step: number; timestamp: number }> = {}
  for (const { op } of ops) {
    if (op.op === 'log') {
      for (const p of op.params) run.params[p.key] = p.value
      for (const t of op.tags) run.tags[t.key] = t.value
      for (const m of op.metrics) {
        const seen = latest[m.key]
        if (!seen || m.step > seen.step || (m.step === seen.step && m.timestamp >= seen.timestamp)) {
          latest[m.key] = m
          run.metrics[m.key] = m.value
        }
      }
    } else if (op.op === 'endRun') {
      run.info.status = op.status
      run.info.endTime = op.endTime
    }
  }
  return run
}

/** The newest queued bytes of one artifact, or null. */
export function queuedArtifact(
  db: Database.Database,
  target: string,
  runId: string,
  path: string,
): Uint8Array | null {
  const hit = opsOf(db, target, runId)
    .filter((o) => o.op.op === 'logArtifact' && o.op.path === path)
    .pop()
  return hit ? new Uint8Array(hit.blob ?? Buffer.alloc(0)) : null
}

/** The queued artifacts directly under `dir` (files only). */
export function queuedArtifacts(
  db: Database.Database,
  target: string,
  runId: string,
  dir = '',
): ArtifactEntry[] {
  const prefix = dir ? `${dir.replace(/\/+$/, '')}/` : ''
  const out = new Map<string, ArtifactEntry>()
  for (const { op, blob } of opsOf(db, target, runId)) {
    if (op.op !== 'logArtifact' || !op.path.startsWith(prefix)) continue
    const rest = op.path.slice(prefix.length)
    const slash = rest.indexOf('/')
    const path = prefix + (slash < 0 ? rest : rest.slice(0, slash))
    out.set(path, slash < 0 ? { path, isDir: false, fileSize: blob?.length ?? 0 } : { path, isDir: true })
  }
  return [...out.values()].sort((a, b) => a.path.localeCompare(b.path))
}
