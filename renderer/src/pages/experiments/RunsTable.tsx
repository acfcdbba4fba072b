import { useRef } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { RunDto } from '../../../../shared/api/domains/tracking'
import { fmtDuration, fmtNum, fmtTime } from '../models/format'
import { cellValue, columnId, type Column, type Sort, type SortKey } from './runsView'

const ROW_HEIGHT = 32
const FIXED: { label: string; key: SortKey | null; width: string }[] = [
  { label: '', key: null, width: '32px' },
  { label: 'Run', key: { kind: 'attr', key: 'runName' }, width: 'minmax(180px, 2fr)' },
  { label: 'Experiment', key: { kind: 'attr', key: 'experiment' }, width: 'minmax(120px, 1.2fr)' },
  { label: 'Status', key: { kind: 'attr', key: 'status' }, width: '84px' },
  { label: 'Started', key: { kind: 'attr', key: 'startTime' }, width: '150px' },
  { label: 'Duration', key: { kind: 'attr', key: 'duration' }, width: '80px' },
]

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
    initialRect: { width: 1000, height: 480 },
  })
  const template = [...FIXED.map((f) => f.width), ...columns.map(() => 'minmax(90px, 1fr)')].join(' ')
  const minWidth =
    32 + 180 + 120 + 84 + 150 + 80 + columns.length * 90 + (FIXED.length + columns.length) * 8 + 24
  const selected = new Set(selection)
  const full = selection.length >= maxSelection

  const header = (label: string, key: SortKey | null, id: string, numeric = false) => {
    const active = key !== null && sameKey(key, sort.by)
    return (
      <span
        role="columnheader"
        key={id}
        aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : undefined}
        className={numeric ? 'num' : undefined}
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
      <div className="vtable-scroll-x">
        <div style={{ minWidth }}>
          <div className="vtable-row vtable-head" role="row" style={{ gridTemplateColumns: template }}>
            {FIXED.map((f) => header(f.label, f.key, f.label || 'select'))}
            {columns.map((c) => header(c.key, c, columnId(c), c.kind === 'metric'))}
          </div>
          <div ref={parentRef} className="vtable-body" tabIndex={0} aria-label="Runs, scrollable">
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => {
                const r = rows[item.index]
                const isSelected = selected.has(r.runId)
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
                      transform: `translateY(${item.start}px)`,
                      height: ROW_HEIGHT,
                    }}
                  >
                    <span role="cell">
                      <input
                        type="checkbox"
                        checked={isSelected}
                        disabled={!isSelected && full}
                        onChange={() => onToggle(r.runId)}
                        aria-label={`Select ${r.runName || r.runId}`}
                      />
                    </span>
                    <span role="cell" title={`${r.runName} (${r.runId})`}>
                      <button type="button" className="link plain" onClick={() => onOpen(r.runId)}>
                        {r.parentRunId ? '↳ ' : ''}
                        {r.runName || r.runId.slice(0, 8)}
                      </button>
                    </span>
                    <span role="cell">{experimentNames.get(r.experimentId) ?? r.experimentId}</span>
                    <span role="cell" className={`status status-${r.status.toLowerCase()}`}>
                      {r.status.toLowerCase()}
                    </span>
                    <span role="cell">{fmtTime(r.startTime)}</span>
                    <span role="cell">
                      {fmtDuration(r.endTime === null ? null : r.endTime - r.startTime)}
                    </span>
                    {columns.map((c) => {
                      const v = cellValue(r, c)
                      return (
                        <span
                          role="cell"
                          key={columnId(c)}
                          className={c.kind === 'metric' ? 'num' : undefined}
                          title={v === undefined ? undefined : String(v)}
                        >
                          {v === undefined ? '—' : typeof v === 'number' ? fmtNum(v) : v}
                        </span>
                      )
                    })}
                  </div>
                )
              })}
            </div>
          </div>
        </div>
      </div>
    </div>
  )
}
