export {
  downloadSeasons,
  parseSeasonRange,
  seasonUrl,
  footballDataBaseUrl,
  DEFAULT_FOOTBALL_DATA_URL,
} from './downloadSeasons'
export type { DownloadOptions, DownloadProgress, SeasonDownload } from './downloadSeasons'
