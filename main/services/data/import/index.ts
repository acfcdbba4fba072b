export {
  importFile,
  importFileContents,
  importParsedFile,
  MATCH_FIELDS,
  matchFieldValues,
} from './importFile'
export type { ImportCounts, ImportResult, ImportOptions } from './importFile'
export { planTeams, fileLeague, fileSeason, checkSeason, STRONG_SUGGESTION } from './planImport'
export type { TeamPlan, UnknownName } from './planImport'
export { importFileToPostgres, importParsedFileToPostgres } from './importToPostgres'
