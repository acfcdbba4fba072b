/**
 * The runs table's logic, kept pure so it is tested apart from React: which columns exist, a small query
 * language over params / metrics / tags (`rps < 0.2 and league = E0 and tags.scoreline.trigger = cli`), the
 * free-text search, and sorting. Runs are filtered in memory: a keystroke re-filters 1,000+ runs in a few ms.
 */
import type { RunDto } from '../../../../shared/api/domains/tracking'

export type ColumnKind = 'param' | 'metric' | 'tag'
export interface Column {
  kind: ColumnKind
  key: string
}
export const columnId = (c: Column) => `${c.kind}:${c.key}`

export type SortKey =
  { kind: 'attr'; key: 'runName' | 'startTime' | 'status' | 'duration' | 'experiment' } | Column
export interface Sort {
  by: SortKey
  desc: boolean
}

export type Op = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~'
export interface Condition {
  kind: ColumnKind | 'any'
  key: string
  op: Op
  value: string
}

export interface RunFilter {
  search: string
  conditions: Condition[]
  status: string
  experimentId: string
  /** Epoch ms bounds on the start time (inclusive); null = open. */
  from: number | null
  to: number | null
  hideNested: boolean
}

export const EMPTY_FILTER: RunFilter = {
  search: '',
  conditions: [],
  status: '',
  experimentId: '',
  from: null,
  to: null,
  hideNested: true,
}

/** Every param and metric key among the runs, sorted; tags without MLflow's internal ones. */
export function availableColumns(runs: readonly RunDto[]): {
  params: string[]
  metrics: string[]
  tags: string[]
} {
  const params = new Set<string>()
  const metrics = new Set<string>()
  const tags = new Set<string>()
  for (const r of runs) {
    for (const k in r.params) params.add(k)
    for (const k in r.metrics) metrics.add(k)
    for (const k in r.tags) if (!k.startsWith('mlflow.')) tags.add(k)
  }
  const sort = (s: Set<string>) => [...s].sort()
  return { params: sort(params), metrics: sort(metrics), tags: sort(tags) }
}

/** RPS and market RPS first (#20: the figures an analyst reads first; the table pins them beside the run). */
const PREFERRED: Column[] = [
  { kind: 'metric', key: 'rps' },
  { kind: 'metric', key: 'market_rps' },
  { kind: 'param', key: 'league' },
  { kind: 'param', key: 'model_variant' },
  { kind: 'param', key: 'xi' },
  { kind: 'param', key: 'blend' },
  { kind: 'param', key: 'calibration' },
  { kind: 'metric', key: 'model_rps' },
  { kind: 'metric', key: 'calibrated_log_loss' },
]

/** The columns shown before the analyst chooses: the pipeline's key params and metrics that exist. */
export function defaultColumns(runs: readonly RunDto[]): Column[] {
  const { params, metrics } = availableColumns(runs)
  const has = (c: Column) => (c.kind === 'param' ? params : metrics).includes(c.key)
  const chosen = PREFERRED.filter(has)
  if (chosen.length > 0) return chosen
  return [
    ...params.slice(0, 3).map((key) => ({ kind: 'param' as const, key })),
    ...metrics.slice(0, 4).map((key) => ({ kind: 'metric' as const, key })),
  ]
}

const CONDITION = /^\s*(?:(params?|metrics?|tags?)\.)?([A-Za-z0-9_.\-/ ]+?)\s*(<=|>=|!=|=|<|>|~)\s*(.+?)\s*$/

/**
 * `rps < 0.2 and params.league = E0 and tags.scoreline.trigger != schedule and run_name ~ pipeline`:
 * conditions joined by `and`; without a prefix a key is looked up in metrics, then params, then tags;
 * `~` means "contains" (case-insensitive). Returns the conditions or a message naming the bad part.
 */
export function parseQuery(text: string): { conditions: Condition[] } | { error: string } {
  const trimmed = text.trim()
  if (!trimmed) return { conditions: [] }
  const conditions: Condition[] = []
  for (const part of trimmed.split(/\s+and\s+/i)) {
    const m = CONDITION.exec(part)
    if (!m) return { error: `Cannot read "${part}": write key op value, e.g. rps < 0.2 or league = E0` }
    const prefix = m[1]?.toLowerCase()
    const kind: Condition['kind'] = !prefix
      ? 'any'
      : prefix.startsWith('param')
        ? 'param'
        : prefix.startsWith('metric')
          ? 'metric'
          : 'tag'
    const value = m[4].replace(/^(['"])(.*)\1$/, '$2')
    conditions.push({ kind, key: m[2].trim(), op: m[3] as Op, value })
  }
  return { conditions }
}

function valueOf(run: RunDto, kind: Condition['kind'], key: string): string | number | undefined {
  if (kind === 'metric' || kind === 'any') {
    const v = run.metrics[key]
    if (v !== undefined || kind === 'metric') return v
  }
  if (kind === 'param' || kind === 'any') {
    const v = run.params[key]
    if (v !== undefined || kind === 'param') return v
  }
  if (key === 'run_name' || key === 'name') return run.runName
  if (key === 'status') return run.status
  return run.tags[key]
}

function matches(run: RunDto, c: Condition): boolean {
  const actual = valueOf(run, c.kind, c.key)
  if (actual === undefined) return c.op === '!='
  if (c.op === '~') return String(actual).toLowerCase().includes(c.value.toLowerCase())
  const a = typeof actual === 'number' ? actual : Number(actual)
  const b = Number(c.value)
  const numeric =
    Number.isFinite(a) && Number.isFinite(b) && c.value.trim() !== '' && String(actual).trim() !== ''
  if (c.op === '=' || c.op === '!=') {
    const equal = numeric ? a === b : String(actual) === c.value
    return c.op === '=' ? equal : !equal
  }
  if (!numeric) {
    const cmp = String(actual).localeCompare(c.value)
    return c.op === '<' ? cmp < 0 : c.op === '<=' ? cmp <= 0 : c.op === '>' ? cmp > 0 : cmp >= 0
  }
  return c.op === '<' ? a < b : c.op === '<=' ? a <= b : c.op === '>' ? a > b : a >= b
}

/** Lower-cased text a free-text search looks in: name, id, experiment, status, params and tag values. */
function searchText(run: RunDto, experimentName: string): string {
  return [
    run.runName,
    run.runId,
    experimentName,
    run.status,
    ...Object.values(run.params),
    ...Object.values(run.tags),
  ]
    .join('\u0000')
    .toLowerCase()
}

export function filterRuns(
  runs: readonly RunDto[],
  filter: RunFilter,
  experimentNames: ReadonlyMap<string, string> = new Map(),
): RunDto[] {
  const words = filter.search.toLowerCase().split(/\s+/).filter(Boolean)
  return runs.filter((r) => {
    if (filter.hideNested && r.parentRunId) return false
    if (filter.status && r.status !== filter.status) return false
    if (filter.experimentId && r.experimentId !== filter.experimentId) return false
    if (filter.from !== null && r.startTime < filter.from) return false
    if (filter.to !== null && r.startTime > filter.to) return false
    for (const c of filter.conditions) if (!matches(r, c)) return false
    if (words.length) {
      const text = searchText(r, experimentNames.get(r.experimentId) ?? '')
      for (const w of words) if (!text.includes(w)) return false
    }
    return true
  })
}

function sortValue(
  run: RunDto,
  by: SortKey,
  experimentNames: ReadonlyMap<string, string>,
): string | number | undefined {
  if (by.kind === 'attr') {
    if (by.key === 'duration') return run.endTime === null ? undefined : run.endTime - run.startTime
    if (by.key === 'experiment') return experimentNames.get(run.experimentId) ?? run.experimentId
    return run[by.key]
  }
  if (by.kind === 'metric') return run.metrics[by.key]
  const raw = by.kind === 'param' ? run.params[by.key] : run.tags[by.key]
  if (raw === undefined) return undefined
  const n = Number(raw)
  return raw.trim() !== '' && Number.isFinite(n) ? n : raw
}

/** Stable sort; runs without a value go last whichever the direction. */
export function sortRuns(
  runs: readonly RunDto[],
  sort: Sort,
  experimentNames: ReadonlyMap<string, string> = new Map(),
): RunDto[] {
  const keyed = runs.map((run, i) => ({ run, i, v: sortValue(run, sort.by, experimentNames) }))
  const dir = sort.desc ? -1 : 1
  keyed.sort((a, b) => {
    if (a.v === undefined || b.v === undefined) return a.v === b.v ? a.i - b.i : a.v === undefined ? 1 : -1
    const cmp =
      typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v))
    return cmp !== 0 ? cmp * dir : a.i - b.i
  })
  return keyed.map((k) => k.run)
}

export function cellValue(run: RunDto, c: Column): string | number | undefined {
  return c.kind === 'metric' ? run.metrics[c.key] : c.kind === 'param' ? run.params[c.key] : run.tags[c.key]
}
