/**
 * The zod schemas of what the feature store returns and of the `features.*` inputs are part of the API
 * contract and live in shared/api/domains/features.ts; the store re-exports them so its tests and the
 * CLI renderings use the very same objects.
 */
export {
  entityHitSchema,
  entityMissSchema,
  entityReadSchema,
  featureInputs,
  featureStoreStatsSchema,
  historyEntrySchema,
  leagueReadSchema,
  validationReportSchema,
  versionInfoSchema,
  viewInfoSchema,
} from '../../../shared/api/domains/features'
