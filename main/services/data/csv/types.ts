import type { CsvProblem } from './csvParseError'

/**
 * Output of the football-data.co.uk CSV reader. The data layer's importer and the model CLI build on these
 * shapes: add optional fields if you must, never change or remove existing ones.
 */

/** 'pre-match' odds are the opening/collection-time prices; 'closing' come from the `<P>C` columns. */
export type OddsKind = 'pre-match' | 'closing'

/** One bookmaker group's 1X2 decimal odds for a match (every price > 1). */
export interface OddsQuote {
  /** Normalised group id: the column prefix without the closing `C`, e.g. 'B365', 'PS', 'Avg', 'Max', 'BbAv'. */
  bookmaker: string
  kind: OddsKind
  home: number
  draw: number
  away: number
}

/** One bookmaker group's over/under decimal odds for a goal line (football-data only publishes 2.5). */
export interface TotalsQuote {
  /** Normalised like {@link OddsQuote.bookmaker}; the totals-only Pinnacle prefix `P` becomes 'PS'. */
  bookmaker: string
  kind: OddsKind
  line: number
  over: number
  under: number
}

/**
 * One bookmaker group's Asian-handicap decimal odds: `line` is the home side's handicap as the file gives
 * it (`AHh` pre-match, `AHCh` closing, `BbAHh` in the Betbrain era), `home`/`away` the prices of
 * `<P>AHH`/`<P>AHA` (closing `<P>CAHH`/`<P>CAHA`).
 */
export interface AsianHandicapQuote {
  /** Normalised like {@link OddsQuote.bookmaker} ('B365', 'PS', 'Max', 'Avg', 'BFE', 'BbAv', …). */
  bookmaker: string
  kind: OddsKind
  line: number
  home: number
  away: number
}

export interface MatchStats {
  homeShots: number | null
  awayShots: number | null
  homeShotsOnTarget: number | null
  awayShotsOnTarget: number | null
}

/** 'played' when both full-time goals are present, 'scheduled' for a fixture still to be played. */
export type MatchStatus = 'played' | 'scheduled'

export interface ParsedMatch {
  /** 1-based physical line of the row in the file (where the record starts). */
  line: number
  /** The row's `Div` value, or null when the file has no Div column or the cell is empty. */
  league: string | null
  /** Calendar date, YYYY-MM-DD. */
  date: string
  /** Kick-off HH:MM (UK time, as football-data publishes it), or null when the file has no Time column. */
  time: string | null
  /** Team names as written: trimmed, NBSP turned into a space. Aliases are the data layer's job. */
  home: string
  away: string
  /** Null for a fixture without a result (status 'scheduled'). */
  homeGoals: number | null
  awayGoals: number | null
  status: MatchStatus
  halfTime: { home: number; away: number } | null
  stats: MatchStats
  referee: string | null
  /** Every 1X2 group with all three prices present on this row, in header order. */
  odds: OddsQuote[]
  /** Every over/under group with both prices present on this row, in header order. */
  totals: TotalsQuote[]
  /**
   * Every Asian-handicap group with its line and both prices present on this row, in header order. Present
   * only when the header has Asian-handicap columns.
   */
  asianHandicap?: AsianHandicapQuote[]
}

export interface ParsedFile {
  /** The file name given to the parser (messages use it as `file:line`). */
  file: string
  /** The file's `Div` when every row agrees on one, else null. */
  league: string | null
  encoding: 'utf-8' | 'windows-1252'
  /** Data rows in file order; all-empty rows (e.g. trailing `,,,,`) are skipped. */
  rows: ParsedMatch[]
  /** Header names as found (trimmed, BOM removed), in file order. */
  columns: string[]
  /** Raw column prefixes of the 1X2 odds groups found in the header, in header order, e.g. 'B365', 'PSC', 'AvgC'. */
  oddsGroups: string[]
  /**
   * Things tolerated rather than rejected (at most `maxProblems`): a numeric odds price ≤ 1 — the real files
   * carry a few, e.g. `B365H` "0" in E1_2012-13.csv, `AvgC>2.5` "0.42" in D1_2019-20.csv — leaves that
   * price group out of that row and is listed here. With `strictOdds` it is an error instead.
   */
  warnings: CsvProblem[]
}

export interface ParseOptions {
  /** Problems listed individually before the rest are summarised as "and N more" (default 50). */
  maxProblems?: number
  /** Force a decoding instead of detecting it (bytes input only). Default 'auto'. */
  encoding?: 'auto' | 'utf-8' | 'windows-1252'
  /**
   * Reject the file when a numeric odds price is ≤ 1 (default false: the price group is left out of that row
   * and a warning recorded, because real football-data files carry a few such cells). Non-numeric odds are
   * always an error.
   */
  strictOdds?: boolean
  /**
   * Accept a header without the full-time goal columns (a football-data `fixtures.csv`: fixtures to come,
   * no results); every row is then 'scheduled'. Default false: a season file must have them.
   */
  allowMissingResult?: boolean
}

/** A market chosen for a match by {@link selectMarketOdds}. */
export interface MarketOdds {
  bookmaker: string
  kind: OddsKind
  home: number
  draw: number
  away: number
  /** Human-readable account of what was used, e.g. 'Pinnacle closing (PSCH/PSCD/PSCA)'. */
  source: string
}

/** An entry of a market preference list: a bookmaker group and kind. */
export interface MarketKey {
  bookmaker: string
  kind: OddsKind
}
