import type Database from 'better-sqlite3'
import type { Handlers } from '../core/dispatch'
import type { ProcedureOutput } from '../../shared/api/contract'
import { createJackpotStore } from '../services/jackpots/jackpotStore'
import { parseFixtureText } from '../services/jackpots/parseFixtureText'
import { analyseJackpotRecord } from '../services/jackpots/analyseJackpot'
import { createLocalLeagueModels, type LeagueModelProvider } from '../services/jackpots/leagueModel'
import { createTeamResolver } from '../services/data/teams'
import { jackpotCsv } from '../services/jackpots/exportJackpot'
import { planCurve, planTickets } from '../model/jackpot'
import { ApiError } from '../../shared/api/errors'

type JackpotProcedures = Extract<keyof Handlers, `jackpots.${string}`>

export interface JackpotHandlerDeps {
  db: Database.Database
  /** Where fixture prices come from; defaults to models fitted on the local data. */
  leagueModels?: LeagueModelProvider
}

export function createJackpotHandlers(deps: JackpotHandlerDeps): Pick<Handlers, JackpotProcedures> {
  const store = createJackpotStore(deps.db)
  const models = deps.leagueModels ?? createLocalLeagueModels(deps.db)
  const resolver = createTeamResolver(deps.db)
  return {
    'jackpots.list': () => store.list(),
    'jackpots.get': ({ id }) => store.get(id),
    'jackpots.parseText': ({ text, league }) => {
      const parsed = parseFixtureText(text)
      return {
        problems: parsed.problems,
        fixtures: parsed.fixtures.map((f) => {
          const home = resolver.lookup(f.home, league)
          const away = resolver.lookup(f.away, league)
          return {
            ...f,
            homeTeam: home?.teamName ?? null,
            awayTeam: away?.teamName ?? null,
            homeSuggestions: home ? [] : resolver.suggest(f.home, league, { limit: 3 }).map((s) => s.name),
            awaySuggestions: away ? [] : resolver.suggest(f.away, league, { limit: 3 }).map((s) => s.name),
          }
        }),
      }
    },
    'jackpots.create': (input) => store.create(input),
    'jackpots.setPick': ({ id, position, pick }) => store.setPick(id, position, pick),
    'jackpots.delete': ({ id }) => {
      store.remove(id)
      return { id, deleted: true as const }
    },
    'jackpots.plan': ({ id, budget }) => {
      const analysis = analyseJackpotRecord(store.get(id), models)
      const priced = analysis.fixtures.filter((f) => f.final)
      if (priced.length === 0)
        throw new ApiError(
          'MODEL_NO_DATA',
          'No fixture of this jackpot could be priced, so there is nothing to plan.',
        )
      const plan = planTickets(
        priced.map((f) => f.final!.probabilities),
        budget,
      )
      return {
        budget: plan.budget,
        combinations: plan.combinations,
        pCovered: plan.pCovered,
        legs: plan.legs.map((leg) => ({
          position: priced[leg.index].position,
          home: priced[leg.index].home,
          away: priced[leg.index].away,
          outcomes: leg.outcomes,
          probability: leg.probability,
        })),
        curve: planCurve(
          priced.map((f) => f.final!.probabilities),
          Math.min(budget, 4096),
        ),
        unpriced: analysis.fixtures.filter((f) => !f.final).map((f) => f.position),
      }
    },
    'jackpots.exportCsv': ({ id }) => {
      const analysis = analyseJackpotRecord(store.get(id), models)
      const safeName = analysis.name.replace(/[^\w.-]+/g, '_').slice(0, 60) || 'jackpot'
      return { fileName: `${safeName}.csv`, csv: jackpotCsv(analysis) }
    },
    // The engine's triples are readonly tuples; the contract's are plain arrays of the same shape.
    'jackpots.analyse': ({ id }) =>
      analyseJackpotRecord(store.get(id), models) as ProcedureOutput<'jackpots.analyse'>,
  }
}
