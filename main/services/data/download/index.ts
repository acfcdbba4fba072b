export {
  downloadSeasons,
  parseSeasonRange,
  seasonUrl,
  footballDataBaseUrl,
  DEFAULT_FOOTBALL_DATA_URL,
} from './downloadSeasons'
export type { DownloadOptions, DownloadProgress, SeasonDownload } from './downloadSeasons'
export { conditionalFetch } from './conditionalFetch'
export type { ConditionalFetchResult, FetchRetryOptions } from './conditionalFetch'
