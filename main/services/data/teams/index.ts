export { normalizeTeamName, teamNameSimilarity, diceSimilarity } from './normalizeTeamName'
export {
  createTeamResolver,
  createTeamResolverFrom,
  sqliteTeamDirectory,
  memoryTeamDirectory,
  addTeamAlias,
} from './teamResolver'
export type {
  TeamResolver,
  TeamResolution,
  TeamSuggestion,
  TeamCandidate,
  TeamDirectory,
  SuggestOptions,
  AddAliasInput,
  AliasRecord,
} from './teamResolver'
export { listTeamAliases, removeTeamAlias } from './teamAliases'
export type { AliasRow } from './teamAliases'
export { LEAGUE_CATALOG, leagueInfo } from './leagueCatalog'
export type { LeagueInfo } from './leagueCatalog'
