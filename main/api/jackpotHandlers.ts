import type Database from 'better-sqlite3'
import type { Handlers } from '../core/dispatch'
import type { ProcedureOutput } from '../../shared/api/contract'
import { createJackpotStore } from '../services/jackpots/jackpotStore'
import { parseFixtureText } from '../services/jackpots/parseFixtureText'
import { priceJackpot } from '../services/jackpots/analyseJackpot'
import { createLeagueModels, type LeagueModelProvider } from '../services/jackpots/leagueModel'
import { parseFixtureCsv } from '../services/jackpots/parseFixtureCsv'
import { createTeamSearch } from '../services/jackpots/teamSearch'
import type { ParsedFixtureLine } from '../services/jackpots/parseFixtureText'
import { createTeamResolver } from '../services/data/teams'
import { findUpcomingFixture } from '../services/data/fixtures'
import type { ScorelineConfig } from '../core/config'
import type { TrackingAccess } from './trackingHandlers'
import { jackpotCsv } from '../services/jackpots/exportJackpot'
import { planCurve, planTickets } from '../model/jackpot'
import { ApiError } from '../../shared/api/errors'

type JackpotProcedures = Extract<keyof Handlers, `jackpots.${string}`>

export interface JackpotHandlerDeps {
  db: Database.Database
  /** Where fixture prices come from; default: the league's champion from the registry, else a fit now. */
  leagueModels?: LeagueModelProvider
  /** The model registry the champions are read from (absent: always fitted on the fly). */
  trackingAccess?: TrackingAccess
  /** The stored modelling defaults (margin method, blend, calibration) for fits and market-only fixtures. */
  config?: () => ScorelineConfig
}

export function createJackpotHandlers(deps: JackpotHandlerDeps): Pick<Handlers, JackpotProcedures> {
  const store = createJackpotStore(deps.db)
  const defaults = () => deps.config?.().modelling
  const models =
    deps.leagueModels ??
    createLeagueModels(deps.db, {
      ...(deps.trackingAccess ? { tracking: () => deps.trackingAccess!.store() } : {}),
      ...(deps.config ? { defaults: () => deps.config!().modelling } : {}),
    })
  const resolver = createTeamResolver(deps.db)
  const teamSearch = createTeamSearch(deps.db)
  // a fixture entered without odds takes the latest snapshot of the matching fixture to come
  const findUpcoming = (q: { league: string; home: string; away: string }) => {
    try {
      return findUpcomingFixture(deps.db, q)
    } catch {
      return null // a name the resolver does not know: no snapshot, the fixture is priced without one
    }
  }
  const analyse = (id: string) =>
    priceJackpot(store.get(id), models, { margin: defaults()?.margin, findUpcoming })
  const resolveAll = (fixtures: ParsedFixtureLine[], league: string) =>
    fixtures.map((f) => {
      const home = resolver.lookup(f.home, league)
      const away = resolver.lookup(f.away, league)
      return {
        ...f,
        homeTeam: home?.teamName ?? null,
        awayTeam: away?.teamName ?? null,
        homeSuggestions: home ? [] : resolver.suggest(f.home, league, { limit: 3 }).map((s) => s.name),
        awaySuggestions: away ? [] : resolver.suggest(f.away, league, { limit: 3 }).map((s) => s.name),
      }
    })
  return {
    'jackpots.list': () => store.list(),
    'jackpots.get': ({ id }) => store.get(id),
    'jackpots.parseText': ({ text, league }) => {
      const parsed = parseFixtureText(text)
      return { problems: parsed.problems, fixtures: resolveAll(parsed.fixtures, league) }
    },
    'jackpots.parseCsv': ({ csv, league }) => {
      const parsed = parseFixtureCsv(csv)
      return { problems: parsed.problems, fixtures: resolveAll(parsed.fixtures, league) }
    },
    'jackpots.searchTeams': ({ league, query, limit }) => teamSearch.search(league, query, limit),
    'jackpots.create': (input) => store.create(input),
    'jackpots.setPick': ({ id, position, pick }) => store.setPick(id, position, pick),
    'jackpots.delete': ({ id }) => {
      store.remove(id)
      return { id, deleted: true as const }
    },
    'jackpots.plan': async ({ id, budget }) => {
      const analysis = await analyse(id)
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
    'jackpots.exportCsv': async ({ id }) => {
      const analysis = await analyse(id)
      const safeName = analysis.name.replace(/[^\w.-]+/g, '_').slice(0, 60) || 'jackpot'
      return { fileName: `${safeName}.csv`, csv: jackpotCsv(analysis) }
    },
    // The engine's triples are readonly tuples; the contract's are plain arrays of the same shape.
    'jackpots.analyse': async ({ id }) => (await analyse(id)) as ProcedureOutput<'jackpots.analyse'>,
  }
}
