import { useRef } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { RunDto } from '../../../../shared/api/domains/tracking'
import { fmtDuration, fmtNum, fmtTime } from '../models/format'
import { cellValue, columnId, type Column, type Sort, type SortKey } from './runsView'

const ROW_HEIGHT = 32
const HEAD_HEIGHT = 32
const GAP = 8
/** Pinned on the left while the rest scrolls sideways: the selection, the run's label, then RPS and market RPS. */
const SELECT_WIDTH = 32
const LABEL_WIDTH = 220
const KEY_WIDTH = 84
/** The metrics an analyst reads first, pinned beside the run label (when they are among the columns). */
export const KEY_METRICS = ['rps', 'market_rps'] as const
const REST: { label: string; key: SortKey; width: string; min: number }[] = [
  { label: 'Experiment', key: { kind: 'attr', key: 'experiment' }, width: 'minmax(120px, 1.2fr)', min: 120 },
  { label: 'Status', key: { kind: 'attr', key: 'status' }, width: '84px', min: 84 },
  { label: 'Started', key: { kind: 'attr', key: 'startTime' }, width: '150px', min: 150 },
  { label: 'Duration', key: { kind: 'attr', key: 'duration' }, width: '90px', min: 90 },
]

/**
 * A run as an analyst names it: league, goal-model variant (and the stage, for a nested run), start time —
 * instead of "E0 pipeline 7f3a…". Falls back to the run's name.
 */
export function runLabel(r: RunDto): string {
  const league = r.params.league ?? r.tags['scoreline.league'] ?? null
  const variant = r.params.model_variant ?? r.params.model ?? r.tags['scoreline.model_variant'] ?? null
  const stage =
    r.parentRunId && league && r.runName.startsWith(`${league} `) ? r.runName.slice(league.length + 1) : null
  const parts = [league, variant, stage].filter((x): x is string => Boolean(x))
  if (parts.length === 0) return r.runName || r.runId.slice(0, 8)
  return `${parts.join(' · ')} · ${fmtTime(r.startTime)}`
}

/** Key metrics first (pinned), then the other chosen columns. */
export function orderColumns(columns: readonly Column[]): { pinned: Column[]; rest: Column[] } {
  const isKey = (c: Column) => c.kind === 'metric' && (KEY_METRICS as readonly string[]).includes(c.key)
  const pinned = KEY_METRICS.flatMap((k) => columns.filter((c) => isKey(c) && c.key === k))
  return { pinned, rest: columns.filter((c) => !isKey(c)) }
}

const sameKey = (a: SortKey, b: SortKey) => a.kind === b.kind && a.key === b.key

/** Virtualised: only the visible rows are in the DOM, so thousands of runs scroll and re-sort smoothly. */
export function RunsTable({
  rows,
  columns,
  sort,
  onSort,
  selection,
  onToggle,
  maxSelection,
  experimentNames,
  onOpen,
}: {
  rows: RunDto[]
  columns: Column[]
  sort: Sort
  onSort: (by: SortKey) => void
  selection: string[]
  onToggle: (runId: string) => void
  maxSelection: number
  experimentNames: ReadonlyMap<string, string>
  onOpen: (runId: string) => void
}) {
  const parentRef = useRef<HTMLDivElement>(null)
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns fresh functions by design
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEAD_HEIGHT,
    initialRect: { width: 1000, height: 480 },
  })
  const { pinned, rest } = orderColumns(columns)
  const template = [
    `${SELECT_WIDTH}px`,
    `${LABEL_WIDTH}px`,
    ...pinned.map(() => `${KEY_WIDTH}px`),
    ...REST.map((f) => f.width),
    ...rest.map(() => 'minmax(90px, 1fr)'),
  ].join(' ')
  const minWidth =
    SELECT_WIDTH +
    LABEL_WIDTH +
    pinned.length * KEY_WIDTH +
    REST.reduce((s, f) => s + f.min, 0) +
    rest.length * 90 +
    (1 + pinned.length + REST.length + rest.length) * GAP +
    24
  /** Sticky offsets of the pinned cells (the row's 12 px padding scrolls away). */
  const left = [
    0,
    SELECT_WIDTH + GAP,
    ...pinned.map((_, i) => SELECT_WIDTH + LABEL_WIDTH + 2 * GAP + i * (KEY_WIDTH + GAP)),
  ]
  const pin = (i: number, last = false) => ({
    className: `pinned${last ? ' pinned-last' : ''}`,
    style: { left: left[i] },
  })
  const lastPinned = 1 + pinned.length
  const selected = new Set(selection)
  const full = selection.length >= maxSelection

  const headerCell = (
    label: string,
    key: SortKey | null,
    id: string,
    numeric: boolean,
    pinIndex: number | null,
  ) => {
    const active = key !== null && sameKey(key, sort.by)
    const p = pinIndex === null ? null : pin(pinIndex, pinIndex === lastPinned)
    return (
      <span
        role="columnheader"
        key={id}
        aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : undefined}
        className={[numeric ? 'num' : '', p?.className ?? ''].filter(Boolean).join(' ') || undefined}
        style={p?.style}
      >
        {key ? (
          <button type="button" className="sort" onClick={() => onSort(key)} title={`Sort by ${label}`}>
            {label}
            {active ? (sort.desc ? ' ▼' : ' ▲') : ''}
          </button>
        ) : (
          <span className="visually-hidden">Select</span>
        )}
      </span>
    )
  }

  return (
    <div
      className="vtable runs-table"
      role="table"
      aria-label="Runs"
      aria-rowcount={rows.length + 1}
      data-testid="runs-table"
    >
      <div ref={parentRef} className="runs-scroll" tabIndex={0} aria-label="Runs, scrollable">
        <div style={{ minWidth }}>
          <div className="vtable-row vtable-head" role="row" style={{ gridTemplateColumns: template }}>
            {headerCell('', null, 'select', false, 0)}
            {headerCell('Run', { kind: 'attr', key: 'runName' }, 'run', false, 1)}
            {pinned.map((c, i) => headerCell(metricLabel(c.key), c, columnId(c), true, 2 + i))}
            {REST.map((f) => headerCell(f.label, f.key, f.label, false, null))}
            {rest.map((c) => headerCell(c.key, c, columnId(c), c.kind === 'metric', null))}
          </div>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const r = rows[item.index]
              const isSelected = selected.has(r.runId)
              const metricCell = (c: Column, pinIndex: number | null) => {
                const v = cellValue(r, c)
                const p = pinIndex === null ? null : pin(pinIndex, pinIndex === lastPinned)
                return (
                  <span
                    role="cell"
                    key={columnId(c)}
                    className={
                      [c.kind === 'metric' ? 'num' : '', p?.className ?? ''].filter(Boolean).join(' ') ||
                      undefined
                    }
                    style={p?.style}
                    title={v === undefined ? undefined : String(v)}
                  >
                    {v === undefined ? '—' : typeof v === 'number' ? fmtNum(v) : v}
                  </span>
                )
              }
              return (
                <div
                  key={r.runId}
                  role="row"
                  aria-rowindex={item.index + 2}
                  aria-selected={isSelected}
                  className={`vtable-row${isSelected ? ' row-selected' : ''}`}
                  data-testid="run-row"
                  style={{
                    gridTemplateColumns: template,
                    transform: `translateY(${item.start - HEAD_HEIGHT}px)`,
                    height: ROW_HEIGHT,
                  }}
                >
                  <span role="cell" {...pin(0)}>
                    <input
                      type="checkbox"
                      checked={isSelected}
                      disabled={!isSelected && full}
                      onChange={() => onToggle(r.runId)}
                      aria-label={`Select ${r.runName || r.runId}`}
                    />
                  </span>
                  <span role="cell" title={`${r.runName} (${r.runId})`} {...pin(1, lastPinned === 1)}>
                    <button
                      type="button"
                      className="link plain"
                      onClick={() => onOpen(r.runId)}
                      data-testid="run-label"
                    >
                      {r.parentRunId ? '↳ ' : ''}
                      {runLabel(r)}
                    </button>
                  </span>
                  {pinned.map((c, i) => metricCell(c, 2 + i))}
                  <span role="cell">{experimentNames.get(r.experimentId) ?? r.experimentId}</span>
                  <span role="cell" className={`status status-${r.status.toLowerCase()}`}>
                    {r.status.toLowerCase()}
                  </span>
                  <span role="cell">{fmtTime(r.startTime)}</span>
                  <span role="cell" data-testid="run-duration">
                    {r.endTime !== null
                      ? fmtDuration(r.endTime - r.startTime)
                      : r.status === 'RUNNING'
                        ? `${fmtDuration(Date.now() - r.startTime)} so far`
                        : '—'}
                  </span>
                  {rest.map((c) => metricCell(c, null))}
                </div>
              )
            })}
          </div>
        </div>
      </div>
    </div>
  )
}

const METRIC_LABEL: Record<string, string> = { rps: 'RPS', market_rps: 'Market RPS' }
const metricLabel = (key: string) => METRIC_LABEL[key] ?? key
