import type { ScorelineApi } from '../../../../shared/api/contract'
import { TeamCombobox, type TeamValue } from './TeamCombobox'

export interface TypedFixture {
  key: number
  home: TeamValue
  away: TeamValue
  odds: [string, string, string]
}

let nextKey = 1
export const emptyFixture = (): TypedFixture => ({
  key: nextKey++,
  home: { text: '', team: null },
  away: { text: '', team: null },
  odds: ['', '', ''],
})

const ODDS = ['Home', 'Draw', 'Away'] as const

/** Why a typed fixture cannot be saved yet, or null when it can. */
export function typedFixtureProblem(f: TypedFixture): string | null {
  if (!f.home.team || !f.away.team) return 'both teams must resolve to a known team'
  if (f.home.team === f.away.team) return 'a team cannot play itself'
  const filled = f.odds.filter((o) => o.trim() !== '')
  if (filled.length > 0 && filled.length < 3) return 'give all three odds or none'
  if (filled.some((o) => !(Number(o.replace(',', '.')) > 1))) return 'odds must be decimal odds above 1'
  return null
}

export function typedOdds(f: TypedFixture): { home: number; draw: number; away: number } | null {
  if (f.odds.every((o) => o.trim() === '')) return null
  const [home, draw, away] = f.odds.map((o) => Number(o.replace(',', '.')))
  return { home, draw, away }
}

/** Fixtures typed one by one, each team with autocomplete. */
export function TypedFixtures({
  api,
  league,
  rows,
  onChange,
}: {
  api: ScorelineApi
  league: string
  rows: TypedFixture[]
  onChange(rows: TypedFixture[]): void
}) {
  const update = (i: number, change: Partial<TypedFixture>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...change } : r)))
  return (
    <div data-testid="typed-fixtures">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col" style={{ width: '32%' }}>
              Home
            </th>
            <th scope="col" style={{ width: '32%' }}>
              Away
            </th>
            <th scope="col">Odds H / D / A (optional)</th>
            <th scope="col">
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const problem = r.home.text || r.away.text ? typedFixtureProblem(r) : null
            return (
              <tr key={r.key} data-testid={`typed-${i + 1}`}>
                <td>{i + 1}</td>
                <td>
                  <TeamCombobox
                    api={api}
                    league={league}
                    label={`Home team, fixture ${i + 1}`}
                    value={r.home}
                    onChange={(home) => update(i, { home })}
                    testId={`typed-${i + 1}-home`}
                  />
                </td>
                <td>
                  <TeamCombobox
                    api={api}
                    league={league}
                    label={`Away team, fixture ${i + 1}`}
                    value={r.away}
                    onChange={(away) => update(i, { away })}
                    testId={`typed-${i + 1}-away`}
                  />
                  {problem && problem !== 'both teams must resolve to a known team' && (
                    <div className="bad small">{problem}</div>
                  )}
                </td>
                <td style={{ whiteSpace: 'nowrap' }}>
                  {ODDS.map((name, k) => (
                    <input
                      key={name}
                      inputMode="decimal"
                      aria-label={`${name} odds, fixture ${i + 1}`}
                      placeholder={name[0]}
                      value={r.odds[k]}
                      style={{ width: 56, marginRight: 4 }}
                      onChange={(e) => {
                        const odds = [...r.odds] as TypedFixture['odds']
                        odds[k] = e.target.value
                        update(i, { odds })
                      }}
                    />
                  ))}
                </td>
                <td>
                  <button
                    type="button"
                    aria-label={`Remove fixture ${i + 1}`}
                    disabled={rows.length === 1}
                    onClick={() => onChange(rows.filter((_, j) => j !== i))}
                  >
                    ×
                  </button>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <button
        type="button"
        style={{ marginTop: 8 }}
        onClick={() => onChange([...rows, emptyFixture()])}
        disabled={rows.length >= 60}
      >
        Add fixture
      </button>
    </div>
  )
}
