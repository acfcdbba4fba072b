import { useEffect, useState } from 'react'
import type { ScorelineApi } from '../../../../shared/api/contract'
import type { ApiErrorShape } from '../../../../shared/api/errors'
import type { ParsedText } from '../../stores/jackpotStore'

const EXAMPLE = 'Arsenal v Chelsea 2.10 3.50 3.40\nLiverpool - Man United\n…'

/** Paste "Home v Away [odds]" lines, check every name resolves (with suggestions), then save. */
export function NewJackpotForm({ api, onCreated }: { api: ScorelineApi; onCreated: (id: string) => void }) {
  const [leagues, setLeagues] = useState<{ code: string; name: string }[]>([])
  const [league, setLeague] = useState('')
  const [name, setName] = useState('')
  const [provider, setProvider] = useState('')
  const [deadline, setDeadline] = useState('')
  const [text, setText] = useState('')
  const [parsedState, setParsed] = useState<ParsedText | null>(null)
  // an emptied box shows no stale preview
  const parsed = league && text.trim() !== '' ? parsedState : null
  const [error, setError] = useState<ApiErrorShape | null>(null)
  const [saving, setSaving] = useState(false)

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

  const replaceName = (line: number, side: 'home' | 'away', replacement: string) => {
    const lines = text.split('\n')
    const fixture = parsed?.fixtures.find((f) => f.line === line)
    if (!fixture) return
    lines[line - 1] = lines[line - 1].replace(side === 'home' ? fixture.home : fixture.away, replacement)
    setText(lines.join('\n'))
  }

  const unresolved = parsed?.fixtures.filter((f) => !f.homeTeam || !f.awayTeam).length ?? 0
  const canSave =
    !!parsed &&
    parsed.fixtures.length > 0 &&
    unresolved === 0 &&
    parsed.problems.length === 0 &&
    name.trim() !== ''

  return (
    <form
      className="panel"
      aria-labelledby="new-jackpot-title"
      onSubmit={async (e) => {
        e.preventDefault()
        if (!parsed) return
        setSaving(true)
        const result = await api.jackpots.create({
          name: name.trim(),
          provider: provider.trim() || null,
          deadline: deadline || null,
          league,
          fixtures: parsed.fixtures.map((f) => ({
            home: f.homeTeam ?? f.home,
            away: f.awayTeam ?? f.away,
            odds: f.odds,
          })),
        })
        setSaving(false)
        if (result.ok) {
          setText('')
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
      {parsed && (
        <ul className="parse-preview" data-testid="parse-preview">
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
                (side === 'home' ? f.homeSuggestions : f.awaySuggestions).map((s) => (
                  <button
                    key={`${side}:${s}`}
                    type="button"
                    className="chip"
                    onClick={() => replaceName(f.line, side, s)}
                  >
                    {side === 'home' ? f.home : f.away} → {s}?
                  </button>
                )),
              )}
            </li>
          ))}
          {parsed.problems.map((p) => (
            <li key={`p${p.line}`} className="bad">
              line {p.line}: {p.message}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p role="alert" className="error-panel">
          {error.message}
        </p>
      )}
      <button type="submit" disabled={!canSave || saving}>
        {saving ? 'Saving…' : parsed ? `Save ${parsed.fixtures.length} fixtures` : 'Save'}
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
