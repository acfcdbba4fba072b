import type { Handlers } from '../core/dispatch'
import { createAppHandlers, type AppHandlerDeps } from './appHandlers'
import { createDataHandlers, type DataHandlerDeps } from './dataHandlers'
import { createTrainingHandlers, type TrainingHandlerDeps } from './trainingHandlers'
import { createJackpotHandlers, type JackpotHandlerDeps } from './jackpotHandlers'
import { createFeatureHandlers, type FeatureHandlerDeps } from './featureHandlers'
import { createTrackingHandlers, type TrackingHandlerDeps } from './trackingHandlers'
import { createHealthHandlers, type HealthHandlerDeps } from './healthHandlers'
import { createFixtureHandlers, rebuildThroughFeatures, type FixtureHandlerDeps } from './fixtureHandlers'

export type HandlerDeps = AppHandlerDeps &
  DataHandlerDeps &
  TrainingHandlerDeps &
  JackpotHandlerDeps &
  FeatureHandlerDeps &
  TrackingHandlerDeps &
  HealthHandlerDeps &
  FixtureHandlerDeps

/** Merges the per-domain handler maps into the one `Handlers` object dispatch needs. */
export function createHandlers(deps: HandlerDeps): Handlers {
  const features = createFeatureHandlers(deps)
  return {
    ...createAppHandlers(deps),
    ...createDataHandlers(deps),
    ...createTrainingHandlers(deps),
    ...createJackpotHandlers(deps),
    ...features,
    ...createTrackingHandlers(deps),
    ...createHealthHandlers(deps),
    // a fixtures import rebuilds match_probabilities the way a promotion does
    ...createFixtureHandlers({
      ...deps,
      rebuildFeatures: deps.rebuildFeatures ?? rebuildThroughFeatures(features['features.rebuild']),
    }),
  }
}
