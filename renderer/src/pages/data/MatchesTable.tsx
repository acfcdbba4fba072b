import { useEffect, useRef } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { MatchRow } from '../../stores/dataStore'
import { marketOdds } from './marketOdds'

const ROW_HEIGHT = 32
const COLUMNS = '96px 56px 70px 1fr 64px 1fr 150px 120px'

/**
 * Virtualised: only the visible rows are in the DOM, so a whole league history scrolls smoothly. `rows` may
 * have holes (pages not read yet): they show as placeholders and `onRange` asks for the visible range.
 */
export function MatchesTable({
  rows,
  onRange,
}: {
  rows: readonly (MatchRow | undefined)[]
  onRange?: (start: number, end: number) => void
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
  const items = virtualizer.getVirtualItems()
  const first = items.length ? items[0].index : 0
  const last = items.length ? items[items.length - 1].index : -1
  const missing = items.some((item) => rows[item.index] === undefined)
  useEffect(() => {
    if (missing && onRange) onRange(first, last + 1)
  }, [first, last, missing, onRange])
  return (
    <div
      className="vtable"
      role="table"
      aria-label="Matches"
      aria-rowcount={rows.length + 1}
      data-testid="matches-table"
    >
      <div className="vtable-row vtable-head" role="row" style={{ gridTemplateColumns: COLUMNS }}>
        {['Date', 'League', 'Season', 'Home', 'Score', 'Away', 'Market 1X2', 'Source'].map((h) => (
          <span role="columnheader" key={h}>
            {h}
          </span>
        ))}
      </div>
      <div ref={parentRef} className="vtable-body" tabIndex={0} aria-label="Matches, scrollable">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const m = rows[item.index]
            if (!m) {
              return (
                <div
                  key={`pending-${item.index}`}
                  role="row"
                  aria-rowindex={item.index + 2}
                  aria-busy="true"
                  className="vtable-row muted"
                  style={{
                    gridTemplateColumns: COLUMNS,
                    transform: `translateY(${item.start}px)`,
                    height: ROW_HEIGHT,
                  }}
                >
                  <span role="cell">…</span>
                </div>
              )
            }
            const odds = marketOdds(m)
            return (
              <div
                key={m.id}
                role="row"
                aria-rowindex={item.index + 2}
                className="vtable-row"
                style={{
                  gridTemplateColumns: COLUMNS,
                  transform: `translateY(${item.start}px)`,
                  height: ROW_HEIGHT,
                }}
              >
                <span role="cell">{m.date}</span>
                <span role="cell">{m.league}</span>
                <span role="cell">{m.season}</span>
                <span role="cell">{m.homeTeam}</span>
                <span role="cell" className="score">
                  {m.homeGoals === null ? m.status : `${m.homeGoals}–${m.awayGoals}`}
                </span>
                <span role="cell">{m.awayTeam}</span>
                <span role="cell" title={odds ? `${odds.label}` : 'no odds'}>
                  {odds ? `${odds.home.toFixed(2)} ${odds.draw.toFixed(2)} ${odds.away.toFixed(2)}` : '—'}
                </span>
                <span role="cell" className="muted">
                  {odds?.bookmaker ?? ''}
                </span>
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}
