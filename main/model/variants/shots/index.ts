export { shotsVariant, fitShots, leagueConversion, DEFAULT_SHOTS_WEIGHT, type ShotsFit } from './shotsVariant'
export * from './pseudoGoalFit'
