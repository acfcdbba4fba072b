/**
 * MLflow's run filter and order_by evaluated over mirrored runs in memory (the grammar and its errors are
 * searchFilter.ts's, shared with the local store), so a filtered list answers from the mirror as well.
 * MLflow's rules kept: a run without the key matches no comparison (not even `!=`), NaN metrics match
 * nothing, missing values sort last, ties by start time (newest first) then run id.
 */
import { likeMatches, parseFilter } from './searchFilter'
import type { Comparison } from './searchFilter'
import type { Run } from './trackingStore'

type Value = string | number | undefined

function attribute(run: Run, key: string): Value {
  const i = run.info
  switch (key) {
    case 'run_id':
      return i.runId
    case 'run_name':
      return i.runName
    case 'status':
      return i.status
    case 'start_time':
    case 'created':
    case 'Created':
      return i.startTime
    case 'end_time':
      return i.endTime
    case 'artifact_uri':
      return i.artifactUri
    default:
      return undefined
  }
}

function valueOf(run: Run, type: Comparison['type'], key: string): Value {
  if (type === 'metric') {
    const v = run.metrics[key]
    return v !== undefined && !Number.isNaN(v) ? v : undefined
  }
  if (type === 'param') return run.params[key]
  if (type === 'tag') return run.tags[key]
  return attribute(run, key)
}

function holds(v: Value, c: Comparison): boolean {
  if (v === undefined) return false
  const x = c.value
  switch (c.op) {
    case '=':
      return v === x
    case '!=':
      return v !== x
    case '<':
      return (v as number) < (x as number)
    case '<=':
      return (v as number) <= (x as number)
    case '>':
      return (v as number) > (x as number)
    case '>=':
      return (v as number) >= (x as number)
    case 'LIKE':
    case 'ILIKE':
      return likeMatches(v, x, c.op === 'ILIKE') === 1
    case 'IN':
      return (x as (string | number)[]).includes(v)
    case 'NOT IN':
      return !(x as (string | number)[]).includes(v)
  }
}

/** A predicate for an MLflow filter string (throws TRACKING_INVALID on a filter it cannot read). */
export function runFilter(filter: string | undefined): (run: Run) => boolean {
  const comparisons = parseFilter(filter)
  return (run) => comparisons.every((c) => holds(valueOf(run, c.type, c.key), c))
}

/** A comparator for MLflow order_by clauses (`metrics.rps ASC`, `attributes.start_time DESC`). */
export function runOrder(orderBy: string[] | undefined): (a: Run, b: Run) => number {
  const keys = (orderBy ?? []).map((clause) => {
    const m = /^\s*(.+?)(?:\s+(ASC|DESC))?\s*$/i.exec(clause)
    const numeric = m ? /^(metrics?|attr\w*|run)\./i.test(m[1]) : false
    const [{ type, key }] = parseFilter(m ? `${m[1]} = ${numeric ? '0' : "''"}` : clause)
    return { type, key, sign: (m?.[2] ?? 'ASC').toUpperCase() === 'DESC' ? -1 : 1 }
  })
  return (a, b) => {
    for (const k of keys) {
      const x = valueOf(a, k.type, k.key)
      const y = valueOf(b, k.type, k.key)
      if (x === y) continue
      if (x === undefined) return 1
      if (y === undefined) return -1
      return (x < y ? -1 : 1) * k.sign
    }
    return b.info.startTime - a.info.startTime || (a.info.runId < b.info.runId ? -1 : 1)
  }
}
