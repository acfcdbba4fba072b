// football-data.co.uk season CSV reader: pure parsing (bytes + file name in, data out) and a thin file reader.
export { parseFootballDataCsv } from './parseFootballDataCsv'
export { readFootballDataFile } from './readFootballDataFile'
export { selectMarketOdds, describeMarket, DEFAULT_MARKET_PREFERENCE } from './selectMarketOdds'
export type { MarketPreference } from './selectMarketOdds'
export { inferSeason, seasonLabel } from './inferSeason'
export { CsvParseError, formatProblem, DEFAULT_MAX_PROBLEMS } from './csvParseError'
export type { CsvProblem } from './csvParseError'
export { normaliseGroup, bookmakerName } from './headerLayout'
export type {
  AsianHandicapQuote,
  MarketKey,
  MarketOdds,
  MatchStats,
  MatchStatus,
  OddsKind,
  OddsQuote,
  ParsedFile,
  ParsedMatch,
  ParseOptions,
  TotalsQuote,
} from './types'
