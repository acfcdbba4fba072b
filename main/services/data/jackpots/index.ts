export { saveJackpot, deleteJackpot, getJackpot, listJackpots } from './jackpotStore'
export type {
  Jackpot,
  JackpotFixture,
  JackpotInput,
  JackpotFixtureInput,
  JackpotPayload,
} from './jackpotStore'
