import { useEffect, useId, useRef, useState, type CSSProperties } from 'react'
import type { ScorelineApi, ProcedureOutput } from '../../../../shared/api/contract'

type Search = ProcedureOutput<'jackpots.searchTeams'>

export interface TeamValue {
  /** What the analyst typed. */
  text: string
  /** The canonical team the text resolves to (an alias resolves to its team), or null. */
  team: string | null
}

const listStyle: CSSProperties = {
  position: 'absolute',
  zIndex: 20,
  top: '100%',
  left: 0,
  right: 0,
  margin: '2px 0 0',
  padding: 0,
  listStyle: 'none',
  maxHeight: 240,
  overflowY: 'auto',
  background: 'var(--panel)',
  border: '1px solid var(--border)',
  borderRadius: 6,
  boxShadow: '0 4px 12px rgba(0,0,0,0.15)',
}
const optionStyle = (active: boolean): CSSProperties => ({
  padding: '4px 8px',
  cursor: 'pointer',
  background: active ? 'color-mix(in srgb, var(--accent) 18%, transparent)' : undefined,
})

/**
 * A team name box with autocomplete (WAI-ARIA combobox with a list popup): names and aliases of the
 * league's teams are offered while typing; an alias resolves to its team; a name that resolves to no
 * team is flagged, with similar spellings to pick from.
 */
export function TeamCombobox({
  api,
  league,
  label,
  value,
  onChange,
  testId,
}: {
  api: ScorelineApi
  league: string
  /** Accessible name, e.g. "Home team, fixture 1". */
  label: string
  value: TeamValue
  onChange(value: TeamValue): void
  testId?: string
}) {
  const id = useId()
  const listId = `${id}-list`
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(-1)
  const [result, setResult] = useState<Search | null>(null)
  const [focused, setFocused] = useState(false)
  const latest = useRef(value)
  useEffect(() => {
    latest.current = value
  })

  useEffect(() => {
    if (!league) return
    const query = value.text
    const timer = setTimeout(
      () => {
        void api.jackpots.searchTeams({ league, query: query.slice(0, 80) }).then((r) => {
          if (!r.ok || latest.current.text !== query) return
          setResult(r.value)
          const team = r.value.resolved?.team ?? null
          if (team !== latest.current.team) onChange({ text: query, team })
        })
      },
      query === '' ? 0 : 120,
    )
    return () => clearTimeout(timer)
    // onChange is a fresh closure each render; the query only depends on the text and league
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, league, value.text])

  const options = result?.query === value.text.trim() ? result.options : []
  const choose = (team: string) => {
    onChange({ text: team, team })
    setOpen(false)
    setActive(-1)
  }
  const unknown = value.text.trim() !== '' && result?.query === value.text.trim() && !value.team
  const suggestions = unknown ? options.slice(0, 3) : []

  return (
    <div style={{ position: 'relative', minWidth: 180, flex: 1 }} data-testid={testId}>
      <input
        role="combobox"
        aria-label={label}
        aria-autocomplete="list"
        aria-expanded={open && options.length > 0}
        aria-controls={listId}
        aria-activedescendant={open && active >= 0 ? `${id}-opt-${active}` : undefined}
        aria-invalid={unknown && !focused ? true : undefined}
        autoComplete="off"
        spellCheck={false}
        value={value.text}
        style={{ width: '100%', boxSizing: 'border-box' }}
        onChange={(e) => {
          onChange({ text: e.target.value, team: null })
          setOpen(true)
          setActive(-1)
        }}
        onFocus={() => {
          setFocused(true)
          setOpen(true)
        }}
        onBlur={() => {
          setFocused(false)
          setOpen(false)
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault()
            setOpen(true)
            setActive((a) => Math.min(options.length - 1, a + 1))
          } else if (e.key === 'ArrowUp') {
            e.preventDefault()
            setActive((a) => Math.max(0, a - 1))
          } else if (e.key === 'Enter' && open && active >= 0 && options[active]) {
            e.preventDefault()
            choose(options[active].team)
          } else if (e.key === 'Escape') {
            setOpen(false)
            setActive(-1)
          }
        }}
      />
      <ul
        id={listId}
        role="listbox"
        aria-label={`${label}: teams`}
        style={open && options.length > 0 ? listStyle : { display: 'none' }}
      >
        {open &&
          options.map((o, i) => (
            <li
              key={o.team}
              id={`${id}-opt-${i}`}
              role="option"
              aria-selected={i === active}
              style={optionStyle(i === active)}
              // mousedown, not click: the input's blur would close the list first
              onMouseDown={(e) => {
                e.preventDefault()
                choose(o.team)
              }}
              onMouseEnter={() => setActive(i)}
            >
              {o.team}
              {o.matched !== o.team && <span className="muted small"> ({o.matched})</span>}
              {!o.inLeague && <span className="muted small"> · other league</span>}
              {o.match === 'similar' && <span className="muted small"> · similar spelling</span>}
            </li>
          ))}
      </ul>
      {value.team && value.team !== value.text.trim() && (
        <span className="muted small" data-testid={testId ? `${testId}-resolved` : undefined}>
          → {value.team}
        </span>
      )}
      {unknown && !focused && (
        <span className="bad small" role="alert">
          Unknown team
          {suggestions.length > 0 ? ': did you mean ' : ' — no similar team in this league.'}
          {suggestions.map((s) => (
            <button key={s.team} type="button" className="chip" onClick={() => choose(s.team)}>
              {s.team}?
            </button>
          ))}
        </span>
      )}
    </div>
  )
}
