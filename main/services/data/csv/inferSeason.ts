import type { ParsedMatch } from './types'

/**
 * The season label (`2023-24`) a set of matches belongs to. A season starts in July: a date from July on
 * belongs to the season starting that year, earlier dates to the one that started the year before. The most
 * common season wins, so stragglers don't flip the answer (2019-20 ended on 26 July 2020). Null when there
 * are no rows.
 */
export function inferSeason(rows: readonly Pick<ParsedMatch, 'date'>[]): string | null {
  const counts = new Map<number, number>()
  for (const row of rows) {
    const year = Number(row.date.slice(0, 4))
    const month = Number(row.date.slice(5, 7))
    if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1) continue
    const start = month >= 7 ? year : year - 1
    counts.set(start, (counts.get(start) ?? 0) + 1)
  }
  let best: number | null = null
  let bestCount = 0
  for (const [start, n] of counts) {
    if (n > bestCount || (n === bestCount && best !== null && start < best)) {
      best = start
      bestCount = n
    }
  }
  return best === null ? null : seasonLabel(best)
}

/** 2023 → '2023-24'; 1999 → '1999-00'. */
export function seasonLabel(startYear: number): string {
  return `${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}`
}
