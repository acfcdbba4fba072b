/**
 * Team-name normalisation and similarity, the pure half of team resolution.
 *
 * normalizeTeamName: lower case, accents stripped, `&` → `and`, punctuation dropped, the club-form
 * tokens "fc", "afc", "cf" dropped, and a few spellings football sources disagree on unified
 * ("utd" → "united", a leading "man" → "manchester", "st" → "saint"). Two names with the same
 * normalised form are the same team within a league.
 */
const DROP = new Set(['fc', 'afc', 'cf'])
const REPLACE: Record<string, string> = { utd: 'united', st: 'saint', weds: 'wednesday' }

export function normalizeTeamName(name: string): string {
  const tokens = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/&/g, ' and ')
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((t) => t !== '' && !DROP.has(t))
    .map((t) => REPLACE[t] ?? t)
  if (tokens[0] === 'man' && tokens.length > 1) tokens[0] = 'manchester'
  return tokens.join(' ')
}

function bigrams(s: string): string[] {
  const out: string[] = []
  for (let i = 0; i < s.length - 1; i++) out.push(s.slice(i, i + 2))
  return out
}

/** Sørensen–Dice coefficient over character bigrams (0..1). */
export function diceSimilarity(a: string, b: string): number {
  if (a === b) return 1
  const x = bigrams(a)
  const y = bigrams(b)
  if (x.length === 0 || y.length === 0) return 0
  const counts = new Map<string, number>()
  for (const g of x) counts.set(g, (counts.get(g) ?? 0) + 1)
  let common = 0
  for (const g of y) {
    const n = counts.get(g) ?? 0
    if (n > 0) {
      common++
      counts.set(g, n - 1)
    }
  }
  return (2 * common) / (x.length + y.length)
}

/** "nottm" abbreviates "nottingham": same first letter, letters in order. */
function abbreviates(short: string, long: string): boolean {
  if (short.length < 2 || short.length >= long.length || short[0] !== long[0]) return false
  let j = 0
  for (const ch of long) if (ch === short[j]) j++
  return j === short.length
}

function tokenScore(a: string, b: string): number {
  if (a === b) return 1
  if (abbreviates(a, b) || abbreviates(b, a)) return 0.9
  const d = diceSimilarity(a, b)
  return d >= 0.75 ? d : 0
}

/**
 * Similarity of two normalised names in 0..1: tokens aligned greedily (exact 1, abbreviation 0.9,
 * near-spelling by bigram Dice), an initialism ("qpr" ~ "queens park rangers") 0.9, and plain
 * character Dice as a floor. "sheffield united" vs "sheffield wednesday" scores 0.5: one shared
 * token is not enough to call two clubs the same.
 */
export function teamNameSimilarity(a: string, b: string): number {
  if (a === b) return 1
  if (!a || !b) return 0
  const ta = a.split(' ')
  const tb = b.split(' ')
  const initials = (ts: string[]) => ts.map((t) => t[0]).join('')
  if (
    (ta.length === 1 && tb.length > 2 && ta[0] === initials(tb)) ||
    (tb.length === 1 && ta.length > 2 && tb[0] === initials(ta))
  ) {
    return 0.9
  }
  const used = new Set<number>()
  let sum = 0
  for (const x of ta) {
    let best = 0
    let bestIndex = -1
    tb.forEach((y, i) => {
      if (used.has(i)) return
      const s = tokenScore(x, y)
      if (s > best) {
        best = s
        bestIndex = i
      }
    })
    if (bestIndex >= 0) {
      used.add(bestIndex)
      sum += best
    }
  }
  const tokens = (2 * sum) / (ta.length + tb.length)
  return Math.max(tokens, 0.8 * diceSimilarity(a, b))
}
