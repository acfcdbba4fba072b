import { useEffect, useState } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import type { ApiErrorShape } from '../../../../shared/api/errors'
import type { ParsedText } from '../../stores/jackpotStore'
import type { JackpotDraft } from '../fixtures/jackpotDraftStore'
import { DraftFixtures } from '../fixtures/DraftFixtures'
import {
  emptyFixture,
  TypedFixtures,
  typedFixtureProblem,
  typedOdds,
  type TypedFixture,
} from './TypedFixtures'

type Mode = 'type' | 'paste' | 'csv' | 'fixtures'
const MODES: { mode: Mode; label: string }[] = [
  { mode: 'paste', label: 'Paste text' },
  { mode: 'type', label: 'Type fixtures' },
  { mode: 'csv', label: 'Import CSV' },
]
type Side = 'home' | 'away'

const EXAMPLE = 'Arsenal v Chelsea 2.10 3.50 3.40\nLiverpool - Man United\n…'

/**
 * A new jackpot's fixtures, three ways: paste "Home v Away [odds]" lines, type them with team autocomplete,
 * or import a CSV file (home, away, optional H/D/A). Every name must resolve (suggestions help) before saving.
 */
export function NewJackpotForm({
  api,
  onCreated,
  draft = null,
}: {
  api: ScorelineApi
  onCreated: (id: string) => void
  /** Fixtures handed over from the Fixtures screen, with their prices ("New jackpot from these"). */
  draft?: JackpotDraft | null
}) {
  const [leagues, setLeagues] = useState<{ code: string; name: string }[]>([])
  const [league, setLeague] = useState(draft?.fixtures[0]?.league ?? '')
  const [name, setName] = useState(draft?.name ?? '')
  const [provider, setProvider] = useState('')
  const [deadline, setDeadline] = useState('')
  const [text, setText] = useState('')
  const [parsedState, setParsed] = useState<ParsedText | null>(null)
  // an emptied box shows no stale preview
  const parsed = league && text.trim() !== '' ? parsedState : null
  const [error, setError] = useState<ApiErrorShape | null>(null)
  const [saving, setSaving] = useState(false)
  const [mode, setMode] = useState<Mode>(draft ? 'fixtures' : 'paste')
  const modes = draft ? [{ mode: 'fixtures' as Mode, label: 'From Fixtures' }, ...MODES] : MODES
  const [typed, setTyped] = useState<TypedFixture[]>(() => [emptyFixture()])
  const [csv, setCsv] = useState<{ name: string; text: string } | null>(null)
  const [csvParsed, setCsvParsed] = useState<ParsedText | null>(null)
  const [csvError, setCsvError] = useState<string | null>(null)
  /** Suggestions picked for CSV lines (the file itself is not edited). */
  const [csvOverrides, setCsvOverrides] = useState<Record<string, string>>({})

  useEffect(() => {
    void api.data.leagues().then((r) => {
      if (r.ok) {
        setLeagues(r.value)
        if (r.value[0]) setLeague((current) => current || r.value[0].code)
      }
    })
  }, [api])

  useEffect(() => {
    if (!league || text.trim() === '') return
    const timer = setTimeout(() => {
      void api.jackpots.parseText({ text, league }).then((r) => {
        if (r.ok) setParsed(r.value)
      })
    }, 200)
    return () => clearTimeout(timer)
  }, [api, text, league])

  useEffect(() => {
    if (!league || !csv) return
    void api.jackpots.parseCsv({ csv: csv.text, league }).then((r) => {
      if (r.ok) {
        setCsvParsed(r.value)
        setCsvError(null)
      } else setCsvError(r.error.message)
    })
  }, [api, csv, league])

  const csvFixtures = (csvParsed?.fixtures ?? []).map((f) => ({
    ...f,
    homeTeam: csvOverrides[`${f.line}:home`] ?? f.homeTeam,
    awayTeam: csvOverrides[`${f.line}:away`] ?? f.awayTeam,
  }))

  const replaceName = (line: number, side: Side, replacement: string) => {
    const lines = text.split('\n')
    const fixture = parsed?.fixtures.find((f) => f.line === line)
    if (!fixture) return
    lines[line - 1] = lines[line - 1].replace(side === 'home' ? fixture.home : fixture.away, replacement)
    setText(lines.join('\n'))
  }

  type Chosen = {
    fixtures: { home: string; away: string; odds: ParsedText['fixtures'][number]['odds']; league?: string }[]
    unresolved: number
    problems: number
    /** Fixtures entered, resolved or not (typed rows). */
    total?: number
  }
  // from the Fixtures screen: canonical names, each fixture's own league, the snapshot's prices as odds
  const fromDraft: Chosen | null =
    mode === 'fixtures' && draft
      ? {
          fixtures: draft.fixtures.map((f) => ({
            home: f.home,
            away: f.away,
            odds: f.odds,
            league: f.league,
          })),
          unresolved: 0,
          problems: 0,
        }
      : null
  const chosen: Chosen =
    fromDraft ??
    (mode === 'paste'
      ? {
          fixtures: (parsed?.fixtures ?? []).map((f) => ({
            home: f.homeTeam ?? f.home,
            away: f.awayTeam ?? f.away,
            odds: f.odds,
          })),
          unresolved: parsed?.fixtures.filter((f) => !f.homeTeam || !f.awayTeam).length ?? 0,
          problems: parsed?.problems.length ?? 0,
        }
      : mode === 'csv'
        ? {
            fixtures: csvFixtures.map((f) => ({
              home: f.homeTeam ?? f.home,
              away: f.awayTeam ?? f.away,
              odds: f.odds,
            })),
            unresolved: csvFixtures.filter((f) => !f.homeTeam || !f.awayTeam).length,
            problems: (csvParsed?.problems.length ?? 0) + (csvError ? 1 : 0),
          }
        : (() => {
            // blank rows are ignored; every other row must be complete
            const filled = typed.filter((f) => f.home.text.trim() !== '' || f.away.text.trim() !== '')
            const ok = filled.filter((f) => typedFixtureProblem(f) === null)
            return {
              fixtures: ok.map((f) => ({ home: f.home.team!, away: f.away.team!, odds: typedOdds(f) })),
              unresolved: filled.length - ok.length,
              problems: 0,
              total: filled.length,
            }
          })())
  const unresolved = chosen.unresolved
  const count = chosen.total ?? chosen.fixtures.length
  const canSave = count > 0 && unresolved === 0 && chosen.problems === 0 && name.trim() !== ''

  return (
    <form
      className="panel"
      aria-labelledby="new-jackpot-title"
      onSubmit={async (e) => {
        e.preventDefault()
        if (!canSave) return
        setSaving(true)
        const result = await api.jackpots.create({
          name: name.trim(),
          provider: provider.trim() || null,
          deadline: deadline || null,
          league,
          fixtures: chosen.fixtures,
        })
        setSaving(false)
        if (result.ok) {
          setText('')
          setTyped([emptyFixture()])
          setCsv(null)
          setCsvParsed(null)
          setCsvOverrides({})
          setName('')
          onCreated(result.value.id)
        } else setError(result.error)
      }}
    >
      <h2 id="new-jackpot-title">New jackpot</h2>
      {leagues.length === 0 && (
        <p className="muted">Import a league on the Data page first: fixtures are priced from its matches.</p>
      )}
      <div className="form-grid">
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Midweek 13" required />
        </label>
        <label>
          Provider
          <input value={provider} onChange={(e) => setProvider(e.target.value)} placeholder="optional" />
        </label>
        <label>
          Deadline
          <input type="datetime-local" value={deadline} onChange={(e) => setDeadline(e.target.value)} />
        </label>
        <label>
          League
          <select value={league} onChange={(e) => setLeague(e.target.value)}>
            {leagues.map((l) => (
              <option key={l.code} value={l.code}>
                {l.code} — {l.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div
        role="tablist"
        aria-label="How to enter the fixtures"
        className="actions"
        style={{ margin: '8px 0' }}
      >
        {modes.map((m) => (
          <button
            key={m.mode}
            type="button"
            role="tab"
            id={`jackpot-mode-${m.mode}`}
            aria-selected={mode === m.mode}
            aria-controls={`jackpot-panel-${m.mode}`}
            className={mode === m.mode ? 'selected' : ''}
            style={mode === m.mode ? { fontWeight: 600, borderColor: 'var(--accent)' } : undefined}
            onClick={() => setMode(m.mode)}
          >
            {m.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`jackpot-panel-${mode}`} aria-labelledby={`jackpot-mode-${mode}`}>
        {mode === 'fixtures' && draft && <DraftFixtures draft={draft} />}
        {mode === 'paste' && (
          <>
            <label className="block">
              Fixtures, one per line (optional odds: home draw away)
              <textarea
                value={text}
                onChange={(e) => setText(e.target.value)}
                rows={8}
                placeholder={EXAMPLE}
                spellCheck={false}
                data-testid="fixtures-text"
              />
            </label>
            {parsed && <ParsedPreview parsed={parsed} onSuggestion={replaceName} testId="parse-preview" />}
          </>
        )}
        {mode === 'type' && <TypedFixtures api={api} league={league} rows={typed} onChange={setTyped} />}
        {mode === 'csv' && (
          <>
            <label className="block">
              CSV file (columns home, away and optionally H, D, A)
              <input
                type="file"
                accept=".csv,text/csv,text/plain"
                data-testid="fixtures-csv"
                onChange={async (e) => {
                  const file = e.target.files?.[0]
                  e.target.value = '' // the same file can be picked again after editing it
                  if (!file) return
                  setCsvOverrides({})
                  setCsvParsed(null)
                  if (file.size > 200_000) {
                    setCsv(null)
                    setCsvError(
                      `${file.name} is ${Math.round(file.size / 1000)} KB: a jackpot CSV is a few KB at most.`,
                    )
                    return
                  }
                  setCsvError(null)
                  setCsv({ name: file.name, text: await file.text() })
                }}
              />
            </label>
            {csv && <p className="muted small">Read {csv.name}.</p>}
            {csvError && (
              <p role="alert" className="error-panel">
                {csvError}
              </p>
            )}
            {csvParsed && (
              <ParsedPreview
                parsed={{ ...csvParsed, fixtures: csvFixtures }}
                onSuggestion={(line, side, team) =>
                  setCsvOverrides((o) => ({ ...o, [`${line}:${side}`]: team }))
                }
                testId="csv-preview"
              />
            )}
          </>
        )}
      </div>
      {error && (
        <p role="alert" className="error-panel">
          {error.message}
        </p>
      )}
      <button type="submit" disabled={!canSave || saving}>
        {saving ? 'Saving…' : count > 0 ? `Save ${count} fixture${count === 1 ? '' : 's'}` : 'Save'}
      </button>
      {unresolved > 0 && (
        <span className="muted">
          {' '}
          {unresolved} fixture(s) with an unknown team — pick a suggestion or fix the spelling.
        </span>
      )}
    </form>
  )
}

/** Parsed fixtures with each name resolved or marked, suggestion buttons, and the problems by line and field. */
function ParsedPreview({
  parsed,
  onSuggestion,
  testId,
}: {
  parsed: ParsedText
  onSuggestion(line: number, side: Side, team: string): void
  testId: string
}) {
  return (
    <ul className="parse-preview" data-testid={testId}>
      {parsed.fixtures.map((f) => (
        <li key={f.line} className={f.homeTeam && f.awayTeam ? 'ok' : 'bad'}>
          <span className="muted">{f.line}.</span> {f.homeTeam ?? <mark>{f.home}</mark>} v{' '}
          {f.awayTeam ?? <mark>{f.away}</mark>}
          {f.odds && (
            <span className="muted">
              {' '}
              · {f.odds.home} / {f.odds.draw} / {f.odds.away}
            </span>
          )}
          {(['home', 'away'] as const).map((side) =>
            (side === 'home' ? f.homeTeam : f.awayTeam)
              ? null
              : (side === 'home' ? f.homeSuggestions : f.awaySuggestions).map((s) => (
                  <button
                    key={`${side}:${s}`}
                    type="button"
                    className="chip"
                    onClick={() => onSuggestion(f.line, side, s)}
                  >
                    {side === 'home' ? f.home : f.away} → {s}?
                  </button>
                )),
          )}
        </li>
      ))}
      {parsed.problems.map((p, i) => (
        <li key={`p${p.line}:${i}`} className="bad">
          line {p.line}
          {p.field ? `, ${p.field}` : ''}: {p.message}
        </li>
      ))}
    </ul>
  )
}
