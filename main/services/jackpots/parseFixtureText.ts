/**
 * Pasted jackpot fixtures: one per line, "Home v Away", "Home vs Away" or "Home - Away", optionally
 * followed by three decimal odds (home, draw, away), optionally numbered ("1. ", "1)"). Blank lines
 * and lines starting with # are ignored. Pure: resolution against the team list happens elsewhere.
 */
export interface ParsedFixtureLine {
  line: number
  home: string
  away: string
  odds: { home: number; draw: number; away: number } | null
}

export interface FixtureTextProblem {
  line: number
  message: string
}

const SEPARATOR = /\s+(?:v|vs\.?|versus)\s+|\s+[-–—]\s+/i
const NUMBER = /^[0-9]+(?:[.,][0-9]+)?$/
const MAX_LINES = 200

export function parseFixtureText(text: string): {
  fixtures: ParsedFixtureLine[]
  problems: FixtureTextProblem[]
} {
  const fixtures: ParsedFixtureLine[] = []
  const problems: FixtureTextProblem[] = []
  const lines = text.split(/\r\n|\r|\n/)
  if (lines.length > MAX_LINES) {
    return {
      fixtures,
      problems: [
        {
          line: MAX_LINES + 1,
          message: `more than ${MAX_LINES} lines; a jackpot has at most a few dozen fixtures`,
        },
      ],
    }
  }
  lines.forEach((raw, index) => {
    const line = index + 1
    // whitespace runs collapsed first: SEPARATOR backtracks quadratically over a long run of spaces
    const trimmed = raw
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/^\d{1,2}\s*[.)]\s+/, '')
    if (trimmed === '' || trimmed.startsWith('#')) return
    // Trailing odds: the last three whitespace-separated tokens when all are numbers.
    const tokens = trimmed.split(/\s+/)
    let odds: ParsedFixtureLine['odds'] = null
    let body = trimmed
    const tail = tokens.slice(-3)
    if (tokens.length > 3 && tail.every((t) => NUMBER.test(t))) {
      const [h, d, a] = tail.map((t) => Number(t.replace(',', '.')))
      if ([h, d, a].some((o) => !(o > 1))) {
        problems.push({ line, message: `odds must be decimal odds above 1, got ${tail.join(' ')}` })
        return
      }
      odds = { home: h, draw: d, away: a }
      body = tokens.slice(0, -3).join(' ')
    }
    const parts = body.split(SEPARATOR)
    if (parts.length !== 2 || parts[0].trim() === '' || parts[1].trim() === '') {
      problems.push({
        line,
        message: `expected "Home v Away" (or "Home - Away"), got "${raw.trim().slice(0, 80)}"`,
      })
      return
    }
    const [home, away] = parts.map((p) => p.trim())
    if (home.toLowerCase() === away.toLowerCase()) {
      problems.push({ line, message: `a team cannot play itself ("${home}")` })
      return
    }
    fixtures.push({ line, home, away, odds })
  })
  return { fixtures, problems }
}
